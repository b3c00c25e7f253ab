// The real server (`npm start`, system clock) runs its background jobs by itself: a record released into a
// round-robin pool goes to a member within one distribution interval, and /metrics counts every job's runs.
import { afterEach, describe, expect, it } from 'vitest';
import { JOB_NAMES } from '../src/jobs/jobs.js';
import { backends, type Backend } from './helpers.js';
import {
  apiCall,
  freePort,
  poolWithRep,
  ServerProcess,
  serverStorage,
  within,
} from './server-process.js';

/** The distribution job's default interval (jobs.ts), left as `npm start` has it. */
const DISTRIBUTE_MS = 1000;

/** owned --release (1 s)--> pool --ASSIGN/CLAIM--> kept: a released record waits in the pool for a member. */
const relayPolicy = {
  id: 'relay-pool',
  version: 1,
  name: { en: 'Relay pool' },
  entity: { schema: { type: 'object', properties: { name: { type: 'string' } } } },
  events: { RELEASE: {} },
  delays: { release: { ms: 1000 } },
  machine: {
    id: 'relay',
    initial: 'owned',
    states: {
      owned: { after: { release: 'pool' } },
      pool: { meta: { pooled: true }, on: { CLAIM: 'kept', ASSIGN: 'kept' } },
      kept: { on: { RELEASE: 'pool' } },
    },
  },
};

/** The scraper's bearer token for /metrics (POOLFLOW_METRICS_TOKEN). */
const SCRAPER_TOKEN = 'scraper-token-0123456789abcdefghijklmnop';

describe.each(backends)('background jobs in the real server (%s)', (backend: Backend) => {
  let server: ServerProcess | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await server?.stop();
    await cleanup?.();
    server = undefined;
    cleanup = undefined;
  });

  it('assigns a record released into a round-robin pool within one interval, and counts every job', async () => {
    const storage = await serverStorage(backend, 1);
    cleanup = storage.cleanup;
    const env: Record<string, string> = {
      ...storage.env,
      POOLFLOW_SWEEP_INTERVAL_MS: '100',
      POOLFLOW_METRICS_TOKEN: SCRAPER_TOKEN,
    };
    server = new ServerProcess(await freePort(), env);
    await server.started();
    const token = await server.login();
    const api = (method: string, path: string, body?: unknown) =>
      apiCall(server!.base, token, method, path, body);

    const policy = await api('POST', '/api/policies', { document: relayPolicy });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    expect((await api('POST', '/api/policies/relay-pool/publish', {})).status).toBe(200);
    const { adminId: me, repId } = await poolWithRep(server.base, token, 'relay', 'relay-pool');
    expect(
      (await api('PATCH', '/api/pools/relay', { distribution: 'roundRobin' })).body.distribution,
    ).toBe('roundRobin');

    // Owned by the admin, released by its timer a second later: round robin never hands it straight back.
    const created = await api('POST', '/api/pools/relay/records', {
      data: { name: 'Relay Co' },
      ownerId: me,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const record = await within(
      15_000,
      async () => (await api('GET', `/api/pools/relay/records/${id}`)).body,
      (r: { ownerId: string | null; state: string }) => r.state === 'kept',
    );
    expect(record).toMatchObject({ state: 'kept', ownerId: repId });

    // Assigned by the distribution job, no later than one interval (plus the run itself) after it entered.
    const history = (await api('GET', `/api/pools/relay/records/${id}/history`)).body.items as {
      event: string;
      at: string;
      actorId: string | null;
      to: string;
    }[];
    const entered = history.find((h) => h.to === 'pool');
    const assigned = history.find((h) => h.event === 'ASSIGN');
    expect(assigned?.actorId).toBe('system:distributor');
    expect(entered, JSON.stringify(history)).toBeDefined();
    expect(assigned, JSON.stringify(history)).toBeDefined();
    const waited = Date.parse(assigned!.at) - Date.parse(entered!.at);
    expect(waited).toBeGreaterThanOrEqual(0);
    expect(waited).toBeLessThan(DISTRIBUTE_MS + 1000);

    // Every job ran (the purges at start), none failed.
    // A scraper reads /metrics with the metrics token; without it, or with another, it is refused.
    expect((await fetch(`${server.base}/metrics`)).status).toBe(401);
    const wrong = { authorization: `Bearer ${SCRAPER_TOKEN.replace(/.$/, '-')}` };
    expect((await fetch(`${server.base}/metrics`, { headers: wrong })).status).toBe(401);
    const scraper = { authorization: `Bearer ${SCRAPER_TOKEN}` };
    const metrics = await (await fetch(`${server.base}/metrics`, { headers: scraper })).text();
    const value = (series: string) => {
      const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    expect(value('poolflow_job_runs_total{job="distribute"}')).toBeGreaterThan(0);
    for (const job of JOB_NAMES) {
      expect(value(`poolflow_job_runs_total{job="${job}"}`), job).toBeGreaterThan(0);
      expect(value(`poolflow_job_failures_total{job="${job}"}`), job).toBeUndefined();
      expect(value(`poolflow_job_lag_seconds{job="${job}"}`), job).toBeLessThan(5);
    }
  });
});
