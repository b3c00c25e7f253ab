// Two real servers on one PostgreSQL schema take events and claims for the same few records at once, each
// request to either server. Writes are conditional (no locks), grouped per server: every 200 reply must be
// one history row, with `seq` running 1, 2, 3 ... per record, no gap, no duplicate, and history a
// consistent chain of states and owners. PostgreSQL only: PGlite is one connection in one process.
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { apiCall, freePort, ServerProcess, serverStorage } from './server-process.js';

const url = process.env['DATABASE_URL'];
const REPS = 6;
const RECORDS = 3;
const REQUESTS_PER_REP = 60;

/** pool --CLAIM--> owned --FOLLOW_UP--> owned --RELEASE--> pool: no timers, the race is the requests'. */
const racePolicy = {
  id: 'race-pool',
  version: 1,
  name: { en: 'Race pool' },
  entity: { schema: { type: 'object', properties: { name: { type: 'string' } } } },
  events: { FOLLOW_UP: {}, RELEASE: {} },
  machine: {
    id: 'race',
    initial: 'pool',
    states: {
      pool: { meta: { pooled: true }, on: { CLAIM: 'owned' } },
      owned: { on: { FOLLOW_UP: 'owned', RELEASE: 'pool' } },
    },
  },
};

const api = apiCall;

describe.skipIf(!url)('two servers racing on the same records (PostgreSQL only)', () => {
  const servers: ServerProcess[] = [];
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers.length = 0;
    await cleanup?.();
    cleanup = undefined;
  });

  it('keeps seq and history gap-free and duplicate-free, one history row per 200', async () => {
    const storage = await serverStorage('postgres');
    cleanup = storage.cleanup;
    const a = new ServerProcess(await freePort(), storage.env);
    servers.push(a);
    await a.started();
    // B starts on the schema A migrated.
    const b = new ServerProcess(await freePort(), storage.env);
    servers.push(b);
    await b.started();
    const admin = await a.login();

    expect(
      (await api(a.base, admin, 'POST', '/api/policies', { document: racePolicy })).status,
    ).toBe(201);
    expect((await api(a.base, admin, 'POST', '/api/policies/race-pool/publish', {})).status).toBe(
      200,
    );
    const reps: { id: string; token: string }[] = [];
    for (let i = 0; i < REPS; i++) {
      const password = `rep-password-${i}-xyz`;
      const user = await api(a.base, admin, 'POST', '/api/users', {
        username: `rep${i}`,
        password,
        displayName: `Rep ${i}`,
        roles: ['member'],
      });
      expect(user.status, JSON.stringify(user.body)).toBe(201);
      reps.push({ id: user.body.id as string, token: await a.login(`rep${i}`, password) });
    }
    const pool = await api(a.base, admin, 'POST', '/api/pools', {
      key: 'race',
      name: { en: 'Race' },
      policyId: 'race-pool',
      members: reps.map((r) => ({ userId: r.id })),
    });
    expect(pool.status, JSON.stringify(pool.body)).toBe(201);
    const records: string[] = [];
    for (let i = 0; i < RECORDS; i++) {
      const created = await api(a.base, admin, 'POST', '/api/pools/race/records', {
        data: { name: `Lead ${i}` },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      records.push(created.body.id as string);
    }

    // Every rep sends claims, follow-ups and releases to the records in turn, alternating servers.
    const ok: { record: string; type: string; seq: number; by: string }[] = [];
    const statuses: Record<string, number> = {};
    const kinds = ['claim', 'events:FOLLOW_UP', 'events:FOLLOW_UP', 'release'];
    await Promise.all(
      reps.map(async (rep, r) => {
        for (let i = 0; i < REQUESTS_PER_REP; i++) {
          const server = (i + r) % 2 === 0 ? a : b;
          const record = records[(i * 7 + r) % RECORDS] as string;
          const kind = kinds[(i + r * 3) % kinds.length] as string;
          const [path, type] = kind.startsWith('events:')
            ? ['events', kind.slice('events:'.length)]
            : [kind, kind.toUpperCase()];
          const body =
            path === 'events' ? { type } : path === 'release' ? { reason: 'race' } : undefined;
          const reply = await api(
            server.base,
            rep.token,
            'POST',
            `/api/pools/race/records/${record}/${path}`,
            body,
          );
          statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
          if (reply.status === 200)
            ok.push({ record, type, seq: reply.body.seq as number, by: rep.id });
          else expect([403, 409]).toContain(reply.status);
        }
      }),
    );
    // The race did race: many events went through, many were refused as taken or not allowed.
    expect(ok.length).toBeGreaterThan(REPS * 5);
    expect(statuses[409] ?? 0).toBeGreaterThan(0);

    const db = new pg.Client({ connectionString: storage.env['DATABASE_URL'] });
    await db.connect();
    try {
      for (const record of records) {
        const { rows: history } = await db.query<{
          seq: number;
          event_type: string;
          from_state: string;
          to_state: string;
          owner_from: string | null;
          owner_to: string | null;
        }>(
          'SELECT seq, event_type, from_state, to_state, owner_from, owner_to FROM history WHERE record_id = $1 ORDER BY seq, id',
          [record],
        );
        const { rows } = await db.query<{ seq: number; state: string; owner_id: string | null }>(
          'SELECT seq, state, owner_id FROM records WHERE id = $1',
          [record],
        );
        const row = rows[0]!;
        // seq 1 .. n, each once; the record's seq is the last.
        expect(history.map((h) => h.seq)).toEqual(Array.from({ length: row.seq }, (_, i) => i + 1));
        // Every acknowledged event is one history row with the seq its reply gave, and nothing else is.
        const acknowledged = ok
          .filter((o) => o.record === record)
          .map((o) => `${o.seq}:${o.type}`)
          .sort();
        expect(
          history
            .slice(1)
            .map((h) => `${h.seq}:${h.event_type}`)
            .sort(),
        ).toEqual(acknowledged);
        // A chain: each step starts where the one before ended.
        for (let i = 1; i < history.length; i++) {
          expect(history[i]!.from_state).toBe(history[i - 1]!.to_state);
          expect(history[i]!.owner_from).toBe(history[i - 1]!.owner_to);
        }
        const last = history[history.length - 1]!;
        expect([row.state, row.owner_id]).toEqual([last.to_state, last.owner_to]);
      }
      const { rows: claims } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM claims WHERE pool_key = $1',
        ['race'],
      );
      expect(claims[0]!.n).toBe(ok.filter((o) => o.type === 'CLAIM').length);
    } finally {
      await db.end();
    }
  }, 120_000);
});
