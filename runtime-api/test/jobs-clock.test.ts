// The manual clock's advance runs each time-driven job once, through the job runner: a record its sweep
// releases into a round-robin pool is assigned in the same advance, and every job's run is counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, metricsText, type TestApp } from './helpers.js';

describe.each(backends)('the manual clock runs the jobs (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] }, amy: {}, ben: {} }));
    await call(t.app, t.adminToken, 'PATCH', '/api/pools/crm', { distribution: 'roundRobin' });
  });
  afterAll(() => t.close());

  it('releases and assigns in one advance, and counts one run of each job', async () => {
    const created = await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Quiet Co' },
      ownerId: ids['amy'],
    });
    expect(created.status).toBe(201);
    const advance = await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 31 });
    expect(advance.status).toBe(200);
    expect(advance.body).toMatchObject({ failed: 0, assigned: 1 });
    expect(advance.body.fired).toBeGreaterThanOrEqual(2); // the reminder(s) and the release
    const record = await call(
      t.app,
      tokens['boss']!,
      'GET',
      `/api/pools/crm/records/${created.body.id}`,
    );
    // Released by amy's silence, never straight back to her: round robin's next member gets it.
    expect(record.body.state).toBe('owned');
    expect(record.body.ownerId).not.toBe(ids['amy']);
    expect(record.body.ownerId).not.toBeNull();

    const metrics = await metricsText(t);
    for (const job of ['upgrades', 'sweep', 'distribute', 'outbox'])
      expect(metrics).toContain(`poolflow_job_runs_total{job="${job}"} 1`);
    // Jobs only run on demand here: none is started, so none shows a lag.
    expect(metrics).not.toContain('poolflow_job_lag_seconds{');
    expect(metrics).not.toContain('poolflow_job_failures_total{');
    // The calls above, by status class; the release fired and the record created show too.
    expect(metrics).toMatch(/^poolflow_http_requests_total\{status="2xx"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^poolflow_events_total\{type="CREATE"\} 1$/m);
    expect(metrics).toMatch(/^poolflow_timers_fired_total [1-9]\d*$/m);
  });
});
