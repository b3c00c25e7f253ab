// Validation warnings over HTTP: a business calendar whose holidays run out is said by validate, the
// draft and publish replies, on the runtime's clock, and publishing goes ahead all the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, template, type TestApp } from './helpers.js';

const DAY = 86_400_000;

/** The year of an instant in Beijing time, as the service template's calendar counts it. */
const yearInShanghai = (ts: number): number =>
  Number(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(ts),
  );

/** The service template as policy `id`, its calendar listing holidays in the given years only. */
function tickets(id: string, years: number[]): Record<string, unknown> {
  const policy = structuredClone(template('service-ticket-pool')) as {
    id: string;
    calendars: { cn: { holidays: string[]; workdays?: string[] } };
  };
  policy.id = id;
  policy.calendars.cn.holidays = years.map((y) => `${y}-10-01`);
  return policy;
}

describe.each(backends)('validation warnings (%s)', (backend) => {
  let t: TestApp;
  let year = 0;
  const now = async () =>
    Date.parse((await call(t.app, t.adminToken, 'GET', '/api/clock')).body.now as string);

  beforeAll(async () => {
    t = await build(backend);
    year = yearInShanghai(await now());
  });
  afterAll(() => t.close());

  const warning = (lastHoliday: string) => ({
    path: '/calendars/cn/holidays',
    code: 'calendar-holidays-ending',
    message: expect.stringContaining(`up to ${lastHoliday}`) as string,
    params: { calendar: 'cn', lastHoliday },
  });

  it('validate, the draft and publish carry the warning; the version is published', async () => {
    const document = tickets('ending-calendar', [year]);
    const checked = await call(t.app, t.adminToken, 'POST', '/api/policies/validate', { document });
    expect(checked.status).toBe(200);
    expect(checked.body).toEqual({
      valid: true,
      problems: [],
      warnings: [warning(`${year}-10-01`)],
    });

    const created = await call(t.app, t.adminToken, 'POST', '/api/policies', { document });
    expect(created.status).toBe(201);
    const detail = await call(t.app, t.adminToken, 'GET', '/api/policies/ending-calendar');
    expect(detail.body.validation).toEqual(checked.body);

    const published = await call(
      t.app,
      t.adminToken,
      'POST',
      '/api/policies/ending-calendar/publish',
      { message: 'first' },
    );
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      id: 'ending-calendar',
      version: 1,
      forced: false,
      warnings: [warning(`${year}-10-01`)],
    });
    const pool = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'ending',
      name: { en: 'Tickets' },
      policyId: 'ending-calendar',
      members: [],
    });
    expect(pool.status).toBe(201);

    // Next year's holidays listed: nothing to say, in the draft reply nor at publish.
    const saved = await call(t.app, t.adminToken, 'PUT', '/api/policies/ending-calendar/draft', {
      document: tickets('ending-calendar', [year, year + 1]),
    });
    expect(saved.body.validation).toEqual({ valid: true, problems: [], warnings: [] });
    const again = await call(t.app, t.adminToken, 'POST', '/api/policies/ending-calendar/publish', {
      message: 'next year listed',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: 2, warnings: [] });
  });

  it('judges on the runtime’s clock: a year later the same calendar runs out', async () => {
    const document = tickets('clocked-calendar', [year, year + 1]);
    const before = await call(t.app, t.adminToken, 'POST', '/api/policies/validate', { document });
    expect(before.body.warnings).toEqual([]);
    // To the middle of next year, whatever the day the test runs on.
    const days = Math.ceil((Date.parse(`${year + 1}-07-01T00:00:00+08:00`) - (await now())) / DAY);
    const advanced = await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days });
    expect(advanced.status).toBe(200);
    expect(yearInShanghai(await now())).toBe(year + 1);
    const after = await call(t.app, t.adminToken, 'POST', '/api/policies/validate', { document });
    expect(after.body).toEqual({
      valid: true,
      problems: [],
      warnings: [warning(`${year + 1}-10-01`)],
    });
  });
});
