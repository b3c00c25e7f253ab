// A rep's notifications come a page at a time, newest first, with a cursor to the older ones (past the
// first 200 they could not be read at all).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

describe.each(backends)('notification pages (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const TOTAL = 250;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {} }));
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME' },
      ownerId: ids['alice'],
    });
    await t.app.db('notifications').insert(
      Array.from({ length: TOTAL }, (_, i) => ({
        user_id: ids['alice'],
        record_id: created.body.id,
        pool_key: 'crm',
        kind: 'reminder',
        message: JSON.stringify({ en: `reminder ${i + 1}` }),
        effect_key: `test:${i + 1}`,
        created_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
      })),
    );
  });
  afterAll(() => t.close());

  it('pages through every notification, newest first, each once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/notifications?limit=200${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call(t.app, tokens['alice']!, 'GET', url);
      expect(page.status).toBe(200);
      expect(page.body.unread).toBe(TOTAL);
      seen.push(...page.body.items.map((n: { message: { en: string } }) => n.message.en));
      cursor = page.body.nextCursor as string | null;
      pages++;
    } while (cursor !== null && pages < 5);
    expect(pages).toBe(2);
    expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => `reminder ${TOTAL - i}`));

    const forged = await call(t.app, tokens['alice']!, 'GET', '/api/notifications?cursor=abc');
    expect(forged.status).toBe(400);
    expect(forged.body.error.details[0].path).toBe('/querystring/cursor');
  });
});
