// A table on a phone: under 640 px a `.data-table` shows each row as a card (styles/narrow.css), each
// cell under its column's name. The names come from the table's header, copied into each cell's
// `data-label` here, so no page writes its column titles twice.

/** Sets each body cell's `data-label` to its column's header text (none for a header without text). */
export function labelCells(table: HTMLTableElement): void {
  const heads = [...(table.tHead?.rows[0]?.cells ?? [])].flatMap((th) =>
    Array<string>(th.colSpan).fill(th.textContent?.trim() ?? ''),
  );
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        const label = heads[column] ?? '';
        if (label === '') delete cell.dataset['label'];
        else if (cell.dataset['label'] !== label) cell.dataset['label'] = label;
        column += cell.colSpan;
      }
    }
  }
}

/**
 * A ref for a `.data-table`: labels its cells now and again whenever its rows or header change (a row
 * component re-rendering alone, a language switch), until the table is unmounted.
 */
export function cellLabels(table: HTMLTableElement | null): (() => void) | undefined {
  if (!table) return undefined;
  labelCells(table);
  // Labelling sets attributes only, which the observer does not watch: no loop.
  const observer = new MutationObserver(() => labelCells(table));
  observer.observe(table, { childList: true, subtree: true, characterData: true });
  return () => observer.disconnect();
}
