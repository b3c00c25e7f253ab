// Imports past their byte, row or cell bound are refused whole (413) with memory bounded; an idempotent import
// replays its first report; CSV exports neutralise cells a spreadsheet would run as formulas.
import { readdirSync, readlinkSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { csvCell } from '../src/services/csv.js';
import { backends, build, crmPool, listen, type TestApp } from './helpers.js';

describe.each(backends)('import limits and CSV export (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  const limits = { maxBytes: 64 * 1024 * 1024, maxRows: 50, maxCellChars: 1000 };
  const count = async () =>
    Number(((await t.app.db('records').count({ n: '*' }).first()) as { n: unknown }).n);
  const importCsv = (payload: string | Readable, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import',
      headers: {
        authorization: `Bearer ${tokens['boss']}`,
        'content-type': 'text/csv',
        ...headers,
      },
      payload,
    });
  const rows = (n: number, prefix = 'Co') =>
    ['name,industry', ...Array.from({ length: n }, (_, i) => `${prefix} ${i},trade`)].join('\n');

  beforeAll(async () => {
    t = await build(backend, { importLimits: limits });
    ({ tokens } = await crmPool(t, { boss: { roles: ['manager'] } }));
  });
  afterAll(() => t.close());

  it('refuses more rows than the limit with 413, writing none of them', async () => {
    const before = await count();
    const res = await importCsv(rows(51));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({
      code: 'POOL_ERR_TOO_LARGE',
      message: '/body has more than 50 rows, the import limit',
      details: [
        {
          path: '/body',
          message: 'has more than 50 rows, the import limit',
          code: 'too-many-rows',
          params: { limit: 50 },
        },
      ],
    });
    expect(await count()).toBe(before);
    expect((await importCsv(rows(50))).json()).toMatchObject({ imported: 50, failed: 0 });
    expect(await count()).toBe(before + 50);
  });

  it('closes and removes the spooled body of every import, refused or not', async () => {
    // This process's open files that are import bodies (Linux names each descriptor in /proc).
    const spooledOpen = (): string[] =>
      readdirSync('/proc/self/fd').flatMap((fd) => {
        try {
          const target = readlinkSync(`/proc/self/fd/${fd}`);
          return target.includes('poolflow-import-') ? [target] : [];
        } catch {
          return []; // closed since it was listed
        }
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await importCsv(rows(51))).statusCode); // too many rows
      statuses.push((await importCsv('nom,industry\nAcme,trade\n')).statusCode); // header refused
    }
    statuses.push((await importCsv(rows(2, 'Kept'))).statusCode);
    expect(statuses).toEqual([
      ...Array<number>(10)
        .fill(0)
        .map((_, i) => (i % 2 ? 400 : 413)),
      200,
    ]);
    // The body is removed as the response ends: before, each refused import's body stayed open (its
    // descriptor leaked until the process ran out of them), and one still opening when its file went
    // failed with an uncaught ENOENT that ended the process.
    await vi.waitFor(() => expect(spooledOpen()).toEqual([]), { timeout: 5000, interval: 20 });
  });

  it('refuses a cell past the limit, naming its line, and an NDJSON line past it', async () => {
    const before = await count();
    const res = await importCsv(`name,industry\nFine,trade\n${'x'.repeat(1001)},trade\n`);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.details).toEqual([
      {
        path: '/body',
        message: 'line 3 has a cell longer than the import limit of 1000 characters',
        code: 'cell-too-long',
        params: { line: 3, limit: 1000 },
      },
    ]);
    const nd = await importCsv(
      `{"data":{"name":"ok"}}\n{"data":{"name":"${'y'.repeat(1000)}"}}\n`,
      {
        'content-type': 'application/x-ndjson',
      },
    );
    expect(nd.statusCode).toBe(413);
    expect(nd.json().error.details).toEqual([
      {
        path: '/body',
        message: 'line 2 has a line longer than the import limit of 1000 characters',
        code: 'line-too-long',
        params: { line: 2, limit: 1000 },
      },
    ]);
    expect(await count()).toBe(before);
  });

  it('streams a 20 MB cell through without holding it: 413 and the heap stays small', async () => {
    const before = await count();
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const body = Readable.from(
      (function* () {
        yield Buffer.from('name,industry\n');
        for (let i = 0; i < 320; i++) yield chunk; // 20 MB in one cell
        yield Buffer.from(',trade\n');
      })(),
    );
    const heap = process.memoryUsage().heapUsed;
    const res = await importCsv(body);
    const grew = process.memoryUsage().heapUsed - heap;
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('POOL_ERR_TOO_LARGE');
    expect(grew).toBeLessThan(16 * 1024 * 1024);
    expect(await count()).toBe(before);
  });

  it('refuses a body over the byte limit, by its length or while it streams', async () => {
    const small = await build(backend, { importLimits: { maxBytes: 1000 } });
    try {
      const { tokens: own } = await crmPool(small, { boss: { roles: ['manager'] } });
      const send = (payload: string | Readable) =>
        small.app.inject({
          method: 'POST',
          url: '/api/pools/crm/import',
          headers: { authorization: `Bearer ${own['boss']}`, 'content-type': 'text/csv' },
          payload,
        });
      const tooLarge = {
        code: 'POOL_ERR_TOO_LARGE',
        message: '/body is larger than the import limit of 1000 bytes',
        details: [
          {
            path: '/body',
            message: 'is larger than the import limit of 1000 bytes',
            code: 'too-large',
            params: { limit: 1000 },
          },
        ],
      };
      const declared = await send(rows(100));
      expect(declared.statusCode).toBe(413);
      expect(declared.json().error).toEqual(tooLarge);
      // No content-length: counted as it arrives.
      const streamed = await send(Readable.from([Buffer.from(rows(100))]));
      expect(streamed.statusCode).toBe(413);
      expect(streamed.json().error).toEqual(tooLarge);
      expect(Number((await small.app.db('records').count({ n: '*' }).first())?.['n'])).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('refuses an import that is not CSV or NDJSON, naming the content type', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import',
      headers: { authorization: `Bearer ${tokens['boss']}` },
      payload: { data: { name: 'x' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      {
        path: '/headers/content-type',
        message: 'must be text/csv or application/x-ndjson',
        code: 'content-type',
        params: { value: 'application/json', allowed: ['text/csv', 'application/x-ndjson'] },
      },
    ]);
  });

  it('replays an import sent again with the same Idempotency-Key, and refuses the key for another body', async () => {
    const before = await count();
    const headers = { 'idempotency-key': 'import-1' };
    const first = await importCsv(rows(3, 'Idem'), headers);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ rows: 3, imported: 3 });
    const again = await importCsv(rows(3, 'Idem'), headers);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await count()).toBe(before + 3);
    const other = await importCsv(rows(4, 'Idem'), headers);
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('POOL_ERR_IDEMPOTENCY_MISMATCH');
    expect(await count()).toBe(before + 3);
  });

  it('replays an idempotent import over HTTP (a real request stream), writing once', async () => {
    const other = await build(backend);
    try {
      const { tokens: own } = await crmPool(other, { boss: { roles: ['manager'] } });
      const base = await listen(other.app);
      const send = () =>
        fetch(`${base}/api/pools/crm/import`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${own['boss']}`,
            'content-type': 'text/csv',
            'idempotency-key': 'http-import-1',
          },
          body: rows(3, 'Http'),
        });
      const first = await send();
      expect(first.status).toBe(200);
      const report = (await first.json()) as unknown;
      expect(report).toMatchObject({ rows: 3, imported: 3 });
      const again = await send();
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await again.json()).toEqual(report);
      const n = (await other.app.db('records').count({ n: '*' }).first()) as { n: unknown };
      expect(Number(n.n)).toBe(3);
    } finally {
      await other.close();
    }
  });

  it('fails a row with a NUL cell alone, naming it, and writes the others', async () => {
    const before = await count();
    const res = await importCsv('name,industry\nGood 1,trade\nBad\u0000Co,trade\nGood 2,trade\n');
    expect(res.json()).toMatchObject({
      imported: 2,
      failed: 1,
      errors: [{ line: 3, path: '/data/name', message: 'must not contain a NUL character' }],
    });
    expect(await count()).toBe(before + 2);
  });

  it('refuses a CSV header naming a column twice, naming the column, and imports nothing', async () => {
    const before = await count();
    for (const accept of ['application/json', 'application/x-ndjson']) {
      const res = await importCsv('name,phone,name\nACME,123,Other Co\n', { accept });
      expect(res.statusCode, accept).toBe(400);
      expect(res.json().error, accept).toEqual({
        code: 'POOL_ERR_INVALID_PAYLOAD',
        message: 'the CSV header is refused: /body/header/2 repeats column 1, "name"',
        details: [
          {
            path: '/body/header/2',
            message: 'repeats column 1, "name"',
            code: 'column-repeated',
            params: { column: 'name', index: 3, first: 1 },
          },
        ],
      });
    }
    expect(await count()).toBe(before);
  });

  it('refuses a CSV column that is not a field of the pool, and an NDJSON row with one', async () => {
    const before = await count();
    const res = await importCsv('name,colour,ownerId,state\nACME,red,,pool\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      {
        path: '/body/header/1',
        message:
          '"colour" is not a field of this pool (its fields: name, industry, phone, level, urgency; and ownerId)',
        code: 'unknown-column',
        params: { column: 'colour', fields: ['name', 'industry', 'phone', 'level', 'urgency'] },
      },
    ]);
    expect(await count()).toBe(before);

    const nd = await importCsv(
      '{"data":{"name":"Kept"}}\n{"data":{"name":"Dropped","colour":"red"}}\n',
      { 'content-type': 'application/x-ndjson' },
    );
    expect(nd.json()).toMatchObject({
      imported: 1,
      failed: 1,
      errors: [{ line: 2, path: '/data/colour', message: 'colour is not a field of this pool' }],
    });
    const names = await t.app.db('records').whereRaw("data->>'name' in ('Kept', 'Dropped')");
    expect(names.map((r) => r.data['name'])).toEqual(['Kept']);
  });

  it('skips a CSV column without a name; a row with a value in it fails alone', async () => {
    const before = await count();
    const res = await importCsv('name,industry,,\nBlank 1,trade,,\nBlank 2,trade,x,\n');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      imported: 1,
      failed: 1,
      errors: [{ line: 3, path: '', message: 'has a value in column 3, which has no name' }],
    });
    expect(await count()).toBe(before + 1);
  });

  it('neutralises formula cells in the CSV export', async () => {
    const names = ['=HYPERLINK("http://x","y")', '+cmd|calc', '-2+3', '@SUM(A1)', '\tTab', '\rCR'];
    const body = ['name,industry', ...names.map((n) => `${csvCell(n)},trade`)].join('\n');
    expect((await importCsv(body)).json()).toMatchObject({ imported: names.length, failed: 0 });
    const exported = await t.app.inject({
      method: 'GET',
      url: '/api/pools/crm/export',
      headers: { authorization: `Bearer ${tokens['boss']}` },
    });
    for (const cell of [
      `"'=HYPERLINK(""http://x"",""y"")"`,
      `'+cmd|calc`,
      `'-2+3`,
      `'@SUM(A1)`,
      `'\tTab`,
      `"'\rCR"`,
    ])
      expect(exported.body).toContain(`,${cell},trade,`);
    expect(csvCell(-5)).toBe('-5'); // numbers stay numbers
  });
});
