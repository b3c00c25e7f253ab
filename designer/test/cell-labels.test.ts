// @vitest-environment jsdom
// A table's cells named by their column headers (the cards of a phone-width list, styles/narrow.css).
import { describe, expect, it } from 'vitest';
import { cellLabels, labelCells } from '../src/pages/cell-labels.js';

function table(html: string): HTMLTableElement {
  const t = document.createElement('table');
  t.innerHTML = html;
  document.body.append(t);
  return t;
}

const labels = (t: HTMLTableElement): (string | null)[][] =>
  [...t.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.getAttribute('data-label')));

describe('cell labels', () => {
  it('names each cell by its column, across a header spanning two columns; a column with no title names none', () => {
    const t = table(
      `<thead><tr><th>Name</th><th colspan="2">Owner</th><th></th></tr></thead>
       <tbody><tr><td>Acme</td><td>Alice</td><td>since 3 d</td><td><button>Claim</button></td></tr>
              <tr><td colspan="3">Beta</td><td></td></tr></tbody>`,
    );
    labelCells(t);
    expect(labels(t)).toEqual([
      ['Name', 'Owner', 'Owner', null],
      ['Name', null],
    ]);
  });

  it('follows rows added later and a header put in another language, until the table is gone', async () => {
    const t = table(
      `<thead><tr><th>Name</th><th>State</th></tr></thead><tbody><tr><td>Acme</td><td>Owned</td></tr></tbody>`,
    );
    const stop = cellLabels(t);
    const row = t.tBodies[0].insertRow();
    row.insertCell().textContent = 'Beta';
    row.insertCell().textContent = 'Pool';
    (t.tHead?.rows[0].cells[1] as HTMLTableCellElement).textContent = '状态';
    // The observer runs as a microtask after the changes.
    await Promise.resolve();
    expect(labels(t)).toEqual([
      ['Name', '状态'],
      ['Name', '状态'],
    ]);
    stop?.();
    (t.tHead?.rows[0].cells[0] as HTMLTableCellElement).textContent = '名称';
    await Promise.resolve();
    expect(labels(t)[0]).toEqual(['Name', '状态']);
  });
});
