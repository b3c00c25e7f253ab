// /metrics is read by a scraper holding POOLFLOW_METRICS_TOKEN or by an admin's session; it names pools
// and counts, so no one else reads it (it was public).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, crmPool, type TestApp } from './helpers.js';

const SCRAPER_TOKEN = 'scraper-token-0123456789abcdefghijklmnop';

describe.each(backends)('who reads /metrics (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend, { metricsToken: SCRAPER_TOKEN });
    ({ tokens } = await crmPool(t, { boss: { roles: ['manager'] }, rep: {} }));
  });
  afterAll(() => t.close());

  const scrape = (token?: string) =>
    t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  it('answers the metrics token and admins, and refuses everyone else', async () => {
    const scraper = await scrape(SCRAPER_TOKEN);
    expect(scraper.statusCode).toBe(200);
    expect(scraper.body).toMatch(/^poolflow_http_requests_total\{status="2xx"\} \d+$/m);
    expect((await scrape(t.adminToken)).statusCode).toBe(200);
    for (const [who, token, status] of [
      ['no token', undefined, 401],
      ['another token', `${SCRAPER_TOKEN}x`, 401],
      ['a token of the same length', SCRAPER_TOKEN.replace(/.$/, '-'), 401],
      ['a rep', tokens['rep'], 403],
      ['a pool manager', tokens['boss'], 403],
    ] as const) {
      const res = await scrape(token);
      expect(res.statusCode, who).toBe(status);
      expect(res.body, who).not.toContain('poolflow_');
    }
  });
});
