// An import's file as the runtime reads it: its rows (split where the runtime's CSV parser splits them),
// how many there are (the progress bar's denominator), and the rows an import refused as a file of their
// own: the header and those rows exactly as the file had them, to correct and import again.

/** A row of a file with the line it starts on and its text as written (quotes and inner newlines kept). */
export interface RowAsWritten {
  line: number;
  text: string;
}

/**
 * Calls `row` for each row of a CSV as the runtime's parser splits them (runtime-api/src/services/csv.ts):
 * a quote opens a cell only at its start, `""` inside one is a quote, a newline inside one does not end
 * the row. `line` is where the row starts; `start` and `end` its text's bounds, without the line end.
 */
function scanCsvRows(text: string, row: (line: number, start: number, end: number) => void): void {
  let quoted = false;
  let pendingQuote = false; // a quote inside a quoted cell: an escape or the closing one
  let cellLength = 0;
  let line = 1;
  let rowLine = 1;
  let start = 0;
  const endRow = (end: number) => row(rowLine, start, text[end - 1] === '\r' ? end - 1 : end);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (pendingQuote) {
        pendingQuote = false;
        if (c === '"') {
          cellLength++;
          continue;
        }
        quoted = false; // the quote closed the cell; c is read as outside it
      } else if (c === '"') {
        pendingQuote = true;
        continue;
      } else {
        if (c === '\n') line++;
        cellLength++;
        continue;
      }
    }
    if (c === '"' && cellLength === 0) quoted = true;
    else if (c === ',') cellLength = 0;
    else if (c === '\n') {
      endRow(i);
      cellLength = 0;
      line++;
      rowLine = line;
      start = i + 1;
    } else cellLength++;
  }
  if (start < text.length) endRow(text.length);
}

/** A CSV's rows with their lines and text as written; a blank line is no row (nor ever refused). */
export function csvRowsAsWritten(text: string): RowAsWritten[] {
  const rows: RowAsWritten[] = [];
  scanCsvRows(text, (line, start, end) => {
    if (end > start) rows.push({ line, text: text.slice(start, end) });
  });
  return rows;
}

/** Data rows in a file (a CSV's header is not one, nor a blank line): the progress bar's denominator. */
export function countRows(text: string, format: 'csv' | 'ndjson'): number {
  if (format === 'ndjson') return text.split(/\r?\n/).filter((l) => l.trim() !== '').length;
  let rows = 0;
  scanCsvRows(text, (_, start, end) => {
    if (end > start) rows++;
  });
  return Math.max(0, rows - 1);
}

/**
 * The file of the rejected rows: a CSV's header and its rows on `lines`, or an NDJSON file's lines on
 * them, in the file's order and newline; a CSV starts with a BOM so that Excel reads Chinese as UTF-8.
 */
export function rejectedRowsFile(
  text: string,
  format: 'csv' | 'ndjson',
  lines: ReadonlySet<number>,
): string {
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  if (format === 'ndjson') {
    const kept = text.split('\n').filter((_, i) => lines.has(i + 1));
    return kept.map((l) => `${l.replace(/\r$/, '')}${newline}`).join('');
  }
  const rows = csvRowsAsWritten(text.replace(/^\uFEFF/, ''));
  const [header, ...data] = rows;
  if (!header) return '';
  const kept = [header, ...data.filter((row) => lines.has(row.line))];
  return `\uFEFF${kept.map((row) => `${row.text}${newline}`).join('')}`;
}

/** `leads.csv` -> `leads-rejected.csv`. */
export function rejectedFileName(fileName: string, format: 'csv' | 'ndjson'): string {
  const base = fileName.replace(/\.[^.]*$/, '') || 'import';
  return `${base}-rejected.${format}`;
}
