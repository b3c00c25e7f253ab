// The writer's row sets: every kind of value reaches the database as the same value, in its own row,
// however the column travels (JSON array for text, split string for the rest).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RowSet, rowSource, type Column } from '../src/services/row-set.js';
import { backends, build, type TestApp } from './helpers.js';

const COLUMNS: Column[] = [
  ['id', 'uuid'],
  ['label', 'text'],
  ['n', 'int'],
  ['score', 'float8'],
  ['flag', 'boolean'],
  ['at', 'timestamptz'],
  ['doc', 'jsonb'],
  ['raw', 'json'],
];

const ROWS = [
  {
    id: '00000000-0000-4000-8000-000000000001',
    label: 'tab\tunit\u001fsep, "quoted" 公海',
    n: 1,
    score: 2.5,
    flag: true,
    at: '2026-05-09T03:00:00.000Z',
    doc: { note: 'has \u001f inside', list: [1, null] },
    raw: ['x'],
  },
  // Nulls in the middle of every column, and an empty text that stays empty.
  { id: '00000000-0000-4000-8000-000000000002', label: '', n: null, score: null, flag: null },
  // A time as epoch milliseconds, to the millisecond.
  { id: '00000000-0000-4000-8000-000000000004', at: Date.parse('2026-09-20T08:59:59.999Z') },
  {
    id: '00000000-0000-4000-8000-000000000003',
    label: null,
    n: -7,
    score: -0.125,
    flag: false,
    at: new Date('2026-01-04T00:00:00.000Z'),
    doc: 'a string',
    raw: null,
  },
];

describe.each(backends)('row sets (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(() => t.close());

  const read = async (rows: Record<string, unknown>[]): Promise<Record<string, unknown>[]> => {
    const set = new RowSet(COLUMNS);
    for (const row of rows) set.push(row);
    const result = await t.app.db.raw<{ rows: Record<string, unknown>[] }>(
      `SELECT id, label, n, score, flag, to_json(at) #>> '{}' AS at, doc, raw
       FROM ${rowSource(COLUMNS)} ORDER BY id`,
      set.bindings(),
    );
    return result.rows;
  };

  it('round-trips every kind of value, nulls included, each in its own row', async () => {
    const rows = await read(ROWS);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({ label: ROWS[0]!.label, n: 1, score: 2.5, flag: true });
    expect(rows[0]!['doc']).toEqual(ROWS[0]!.doc);
    expect(rows[0]!['raw']).toEqual(['x']);
    expect(Date.parse(String(rows[0]!['at']))).toBe(Date.parse('2026-05-09T03:00:00Z'));
    expect(rows[1]).toMatchObject({ label: '', n: null, score: null, flag: null, at: null });
    expect(rows[1]!['doc']).toBeNull();
    expect(rows[2]).toMatchObject({
      label: null,
      n: -7,
      score: -0.125,
      flag: false,
      doc: 'a string',
    });
    expect(Date.parse(String(rows[2]!['at']))).toBe(Date.parse('2026-01-04T00:00:00Z'));
    expect(Date.parse(String(rows[3]!['at']))).toBe(Date.parse('2026-09-20T08:59:59.999Z'));
  });

  it('keeps a single row whose split columns are all null', async () => {
    const rows = await read([{ id: '00000000-0000-4000-8000-000000000009', label: 'only' }]);
    expect(rows).toEqual([
      expect.objectContaining({ label: 'only', n: null, doc: null, raw: null, at: null }),
    ]);
  });

  it('refuses a value that would split into two, naming its column', () => {
    const set = new RowSet(COLUMNS);
    const id = '00000000-0000-4000-8000-000000000001\u001f00000000-0000-4000-8000-000000000002';
    expect(() => set.push({ id })).toThrow(/^id is not a valid value/);
    expect(() => set.push({ id: '00000000-0000-4000-8000-000000000001', at: 'soon' })).toThrow(
      /^at is not a valid time/,
    );
    expect(() => set.push({ id: '', label: 'x' })).toThrow(/^id /);
    expect(set.length).toBe(0);
    expect(set.bindings().every((column) => column === '' || column === '[]')).toBe(true);
  });
});
