// The real server with the system clock: a fake verdict whose restored release time has already passed
// makes the release due at once, and the server's own background sweep fires it (no clock advance).
import { describe, expect, it } from 'vitest';
import { backends, type Backend } from './helpers.js';
import { apiCall, poolWithRep, REP_PASSWORD, serverPerTest, within } from './server-process.js';

/** Release after `entity.wait` ms; a follow-up resets it to an hour. Notes with [audit] are audited. */
const auditedPolicy = {
  id: 'audit-proc',
  version: 1,
  name: { en: 'Audited pool' },
  entity: {
    schema: { type: 'object', properties: { name: { type: 'string' }, wait: { type: 'number' } } },
  },
  events: {
    FOLLOW_UP: {
      payload: {
        type: 'object',
        required: ['note'],
        additionalProperties: false,
        properties: { note: { type: 'string' } },
      },
    },
  },
  delays: {
    release: {
      ms: {
        if: [{ '==': [{ var: 'event.type' }, 'FOLLOW_UP'] }, 3_600_000, { var: 'entity.wait' }],
      },
    },
  },
  audit: { force: { in: ['[audit]', { var: 'event.payload.note' }] } },
  machine: {
    id: 'audited',
    initial: 'owned',
    states: {
      owned: {
        after: { release: 'pool' },
        on: { FOLLOW_UP: { target: 'owned', reenter: true } },
      },
      pool: { meta: { pooled: true }, on: { CLAIM: 'owned', ASSIGN: 'owned' } },
    },
  },
};

describe.each(backends)('a revoked release in the real server (%s)', (backend: Backend) => {
  const servers = serverPerTest(backend);

  it('fires at once when its restored time has passed, by the server itself', async () => {
    const server = await servers.start(1);
    const token = await server.login();
    const api = (method: string, path: string, body?: unknown) =>
      apiCall(server.base, token, method, path, body);
    expect((await api('POST', '/api/policies', { document: auditedPolicy })).status).toBe(201);
    expect((await api('POST', '/api/policies/audit-proc/publish', {})).status).toBe(200);
    // The rep follows up; the admin decides (nobody decides the audit of their own event).
    const { repId } = await poolWithRep(server.base, token, 'audited', 'audit-proc');
    const repToken = await server.login('rep', REP_PASSWORD);

    // The audited record and a witness due at the same time; the follow-up moves the first an hour on.
    const create = (name: string) =>
      api('POST', '/api/pools/audited/records', {
        data: { name, wait: 1_500 },
        ownerId: repId,
      });
    const audited = (await create('Audited Co')).body as { id: string };
    const witness = (await create('Witness Co')).body as { id: string };
    const followUp = await apiCall(
      server.base,
      repToken,
      'POST',
      `/api/pools/audited/records/${audited.id}/events`,
      { type: 'FOLLOW_UP', payload: { note: '[audit] said we talked' } },
    );
    expect(followUp.status).toBe(200);
    const queue = await api('GET', '/api/pools/audited/audits');
    expect(queue.body.items).toHaveLength(1);

    // The server releases the witness by itself: the audited record's original release has passed too.
    const released = await within(
      15_000,
      () => api('GET', `/api/pools/audited/records/${witness.id}`),
      (r) => r.body.state === 'pool',
    );
    expect(released.body.state).toBe('pool');
    const stillOwned = await api('GET', `/api/pools/audited/records/${audited.id}`);
    expect(stillOwned.body.state).toBe('owned');

    const verdict = await api('POST', `/api/pools/audited/audits/${queue.body.items[0].id}`, {
      verdict: 'fake',
    });
    expect(verdict.status).toBe(200);
    expect(verdict.body.revoked).toBe(true);
    const after = await within(
      15_000,
      () => api('GET', `/api/pools/audited/records/${audited.id}`),
      (r) => r.body.state === 'pool',
    );
    expect(after.body.state).toBe('pool');
    const history = await api('GET', `/api/pools/audited/records/${audited.id}/history`);
    const events = (history.body.items as { event: string }[]).map((h) => h.event);
    expect(events.slice(-2)).toEqual(['AUDIT', 'TIMER']);
  });
});
