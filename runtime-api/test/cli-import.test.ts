// `poolflow import` streams a file into a running server and reports progress and bad rows.
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../engine/src/cli/main.js';
import { build, crmPool, type TestApp } from './helpers.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('poolflow import (pglite, over HTTP)', () => {
  let t: TestApp;
  let url: string;
  let token: string;

  beforeAll(async () => {
    t = await build('pglite');
    const { tokens } = await crmPool(t, { boss: { roles: ['manager'] } });
    token = tokens['boss']!;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  it('imports a CSV with a progress bar and lists the bad rows (exit 1)', async () => {
    // A token never looks like an option on the command line (base64url alone may start with "-").
    expect(token).toMatch(/^pf_/);
    const dir = mkdtempSync(join(tmpdir(), 'poolflow-import-'));
    const file = join(dir, 'customers.csv');
    const rows = Array.from({ length: 1500 }, (_, i) =>
      i === 700 ? `Bad,${'spaceships'}` : `Co ${i},trade`,
    );
    writeFileSync(file, `name,industry\n${rows.join('\n')}\n`);
    const out = sink();
    const err = sink();
    const code = await main(
      ['import', file, '--pool', 'crm', '--url', url, '--token', token],
      out.stream,
      err.stream,
    );
    expect(code, err.text()).toBe(1);
    expect(out.text()).toContain('1499 imported, 1 failed of 1500 rows into pool crm');
    expect(out.text()).toMatch(/line 702\s+\/data\/industry/);
    expect(err.text()).toMatch(/\[#+-*\]\s+\d+%/);
    expect(err.text()).toContain('1500/1500 rows');
  });

  it('refuses without a token or pool, naming what is missing', async () => {
    delete process.env['POOLFLOW_TOKEN'];
    const out = sink();
    const err = sink();
    expect(
      await main(['import', 'x.csv', '--pool', 'crm', '--url', url], out.stream, err.stream),
    ).toBe(2);
    expect(err.text()).toContain('--token');
    expect(await main(['import', 'x.csv'], out.stream, err.stream)).toBe(2);
    expect(err.text()).toContain('--pool');
  });
});
