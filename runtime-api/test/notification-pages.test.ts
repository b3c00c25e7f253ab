// A rep's notifications come a page at a time, newest first by when they happened, with a cursor to the
// older ones (past the first 200 they could not be read at all); one is marked read when opened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

describe.each(backends)('notification pages (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const TOTAL = 250;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {}, bob: {} }));
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

  it('lists by when they happened, whatever order they were written in', async () => {
    // A catch-up sweep or the demo's seed writes an older story after a newer one.
    const record = await call(t.app, tokens['bob']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Globex' },
      ownerId: ids['bob'],
    });
    const written = ['3 June', '1 June', '2 June'];
    for (const [i, day] of written.entries())
      await t.app.db('notifications').insert({
        user_id: ids['bob'],
        record_id: record.body.id,
        pool_key: 'crm',
        kind: 'reminder',
        message: JSON.stringify({ en: day }),
        effect_key: `bob:${i}`,
        created_at: new Date(Date.UTC(2026, 5, Number(day.split(' ')[0]), 9)),
      });
    const first = await call(t.app, tokens['bob']!, 'GET', '/api/notifications?limit=2');
    expect(first.body.items.map((n: { message: { en: string } }) => n.message.en)).toEqual([
      '3 June',
      '2 June',
    ]);
    const rest = await call(
      t.app,
      tokens['bob']!,
      'GET',
      `/api/notifications?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(rest.body.items.map((n: { message: { en: string } }) => n.message.en)).toEqual([
      '1 June',
    ]);
    expect(rest.body.nextCursor).toBeNull();
  });

  it("marks one notification read when it is opened, and only the user's own", async () => {
    const list = async (who: string) =>
      (await call(t.app, tokens[who]!, 'GET', '/api/notifications?limit=1')).body as {
        unread: number;
        items: { id: string; read: boolean }[];
      };
    const before = await list('alice');
    const newest = before.items[0]!.id;
    expect(before.items[0]!.read).toBe(false);

    // Bob may not read (or learn of) Alice's notification.
    const foreign = await call(t.app, tokens['bob']!, 'POST', `/api/notifications/${newest}/read`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('POOL_ERR_NOT_FOUND');
    expect((await list('alice')).unread).toBe(before.unread);

    const opened = await call(t.app, tokens['alice']!, 'POST', `/api/notifications/${newest}/read`);
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({ marked: 1 });
    const after = await list('alice');
    expect(after.unread).toBe(before.unread - 1);
    expect(after.items[0]).toMatchObject({ id: newest, read: true });
    // Opened again: already read, nothing else changes.
    const again = await call(t.app, tokens['alice']!, 'POST', `/api/notifications/${newest}/read`);
    expect(again.body).toEqual({ marked: 0 });
    expect((await list('alice')).unread).toBe(before.unread - 1);

    const bad = await call(t.app, tokens['alice']!, 'POST', '/api/notifications/latest/read');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('/params/id');
    const missing = await call(t.app, tokens['alice']!, 'POST', '/api/notifications/999999/read');
    expect(missing.status).toBe(404);
  });
});
