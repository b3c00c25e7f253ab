// The designer lists the server's actions, custom ones included, with the params schema its forms render.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, customActionForFile, type TestApp } from './helpers.js';

customActionForFile({
  type: 'sendSms',
  description: 'Text the owner',
  paramsSchema: {
    type: 'object',
    required: ['text'],
    properties: { text: { type: 'string' } },
  },
  run: () => undefined,
});

describe.each(backends)('GET /api/actions (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(() => t.close());

  it('lists built-in and custom actions with their params schemas', async () => {
    const res = await call(t.app, t.adminToken, 'GET', '/api/actions');
    expect(res.status).toBe(200);
    const types = res.body.items.map((a: { type: string }) => a.type);
    expect(types).toEqual(
      expect.arrayContaining(['notify', 'tag', 'untag', 'set', 'moveToPool', 'webhook', 'sendSms']),
    );
    const sms = res.body.items.find((a: { type: string }) => a.type === 'sendSms');
    expect(sms).toEqual({
      type: 'sendSms',
      description: 'Text the owner',
      paramsSchema: expect.objectContaining({ required: ['text'] }),
    });
    expect((await call(t.app, null, 'GET', '/api/actions')).status).toBe(401);
  });
});
