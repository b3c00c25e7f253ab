// Workspace logic without a browser: refusals in plain words, release countdowns, chart scales,
// routes, field filters, and reading streamed import progress.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/client.js';
import { importFormat, ndjsonLines } from '../src/api/transfer.api.js';
import { makeI18n } from '../src/i18n/i18n.js';
import { parseRoute, routeHash, type Route } from '../src/pages/use-hash-route.js';
import { countAxis, kindColour, niceMax, orderKinds } from '../src/workspace/charts/chart-scale.js';
import { refusalOf } from '../src/workspace/claim-refusal.js';
import { releaseDue } from '../src/workspace/countdown.js';
import { formatDate, formatDateTime, formatDuration, urgencyOf } from '../src/workspace/format.js';
import { countRows } from '../src/workspace/import-file.js';
import { fieldsParam } from '../src/workspace/use-record-list.js';
import { crmPoolPolicy } from './workspace-fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const en = makeI18n('en');
const zh = makeI18n('zh');

describe('refusals in plain words', () => {
  const refused = (code: string, details?: unknown) => new ApiError(422, code, 'raw', details);

  it('names the limit that was reached', () => {
    expect(refusalOf(refused('POOL_ERR_CLAIM_LIMIT', { owned: 200, limit: 200 }), en).text).toBe(
      'Limit reached: you already hold 200 records and may hold 200. Close or release some first.',
    );
    expect(
      refusalOf(refused('POOL_ERR_DAILY_LIMIT', { claimsToday: 20, limit: 20 }), zh).text,
    ).toBe('已达上限：今天已领取 20 条，明天再来。');
  });

  it('gives the cooldown end as a date, and keeps it for the page', () => {
    const until = '2026-03-08T09:30:00.000Z';
    const refusal = refusalOf(refused('POOL_ERR_COOLDOWN', { until }), en);
    expect(refusal.until).toBe(until);
    expect(refusal.text).toMatch(/^You released it recently: you may claim it again from .*2026/);
    expect(refusal.text).toContain('Mar');
    expect(refusalOf(refused('POOL_ERR_COOLDOWN', { until }), zh).text).toContain('2026年3月8日');
  });

  it('says a hard record needs a senior rep, and other ineligible records just are not yours', () => {
    const error = new ApiError(403, 'POOL_ERR_NOT_ELIGIBLE', 'raw', { tags: ['hard'] });
    expect(refusalOf(error, en).text).toBe(
      'This is a hard record (it keeps coming back): only a senior rep may claim it.',
    );
    expect(
      refusalOf(new ApiError(403, 'POOL_ERR_NOT_ELIGIBLE', 'raw', { tags: [] }), en).text,
    ).toBe('The pool’s rules do not let you claim this record.');
  });

  it('tells an empty claim-next apart from a missing record', () => {
    const none = new ApiError(404, 'POOL_ERR_NOT_FOUND', 'record x not found');
    expect(refusalOf(none, en, { claimNext: true }).text).toBe(
      'Nothing in the pool you may claim right now.',
    );
    expect(refusalOf(none, en).text).toBe('record x not found');
    expect(refusalOf(refused('POOL_ERR_TAKEN'), en).text).toBe('Someone else took it first.');
  });
});

describe('release countdown', () => {
  const policy = crmPoolPolicy();
  const timers = [
    { key: 'xstate.after.remind.crm.owned', delay: 'remind', dueAt: '2026-01-24T00:00:00.000Z' },
    { key: 'xstate.after.release.crm.owned', delay: 'release', dueAt: '2026-01-31T00:00:00.000Z' },
  ];

  it('counts down to the timer that puts the record back in the pool, not the reminder', () => {
    expect(releaseDue({ state: 'owned', timers }, policy)).toEqual({
      delay: 'release',
      dueAt: Date.parse('2026-01-31T00:00:00.000Z'),
    });
  });

  it('counts down to the end of a nurture, and not at all for a won record', () => {
    const nurture = [{ key: 'n', delay: 'nurtureEnd', dueAt: '2026-07-01T00:00:00.000Z' }];
    expect(releaseDue({ state: 'nurture', timers: nurture }, policy)?.delay).toBe('nurtureEnd');
    expect(releaseDue({ state: 'won', timers: [] }, policy)).toBeNull();
  });

  it('turns red under three days and shows the two largest units', () => {
    expect(urgencyOf(3 * DAY + 1)).toBe('ok');
    expect(urgencyOf(3 * DAY - 1)).toBe('soon');
    expect(urgencyOf(0)).toBe('overdue');
    expect(formatDuration(2 * DAY + 5 * HOUR + 120_000, 'en')).toBe('2d 5h');
    expect(formatDuration(5 * HOUR + 20 * 60_000, 'zh')).toBe('5小时20分');
  });
});

describe('chart scales', () => {
  it('rounds a bar scale up to a nice number', () => {
    expect([0, 1, 7, 11, 60, 83, 1234].map(niceMax)).toEqual([1, 1, 8, 12, 60, 100, 1500]);
  });

  it('steps an axis of counts in whole numbers, up to the lowest tick at or above the largest value', () => {
    // The public pool of the demo held 26 records: the axis read 0, 7.5, 15, 22.5, 30 records.
    expect(countAxis(26)).toEqual([0, 10, 20, 30]);
    expect(countAxis(60)).toEqual([0, 20, 40, 60]);
    expect(countAxis(83)).toEqual([0, 25, 50, 75, 100]);
    expect(countAxis(1234)).toEqual([0, 400, 800, 1200, 1600]);
    expect(countAxis(0)).toEqual([0, 1]);
    expect(countAxis(3)).toEqual([0, 1, 2, 3]);
    // The flow chart's two steps each way: 3 records a day read 0, 2, 4 (not 1.5).
    expect(countAxis(3, 2)).toEqual([0, 2, 4]);
    expect(countAxis(7, 2)).toEqual([0, 4, 8]);
    for (const value of [1, 5, 9, 13, 26, 99, 101, 777, 4321, 99_999])
      for (const intervals of [2, 4]) {
        const axis = countAxis(value, intervals);
        expect(axis.every(Number.isInteger)).toBe(true);
        expect(axis.length - 1).toBeLessThanOrEqual(intervals);
        expect(axis[axis.length - 1]).toBeGreaterThanOrEqual(value);
      }
  });

  it('orders and colours flow kinds the same way everywhere', () => {
    expect(orderKinds(['claim', 'zzz', 'create', 'timer', 'create'])).toEqual([
      'create',
      'timer',
      'claim',
      'zzz',
    ]);
    expect(kindColour('zzz')).toBe(kindColour('zzz'));
    expect(kindColour('create')).not.toBe(kindColour('claim'));
  });
});

describe('workspace routes', () => {
  it('round-trips every workspace screen through the hash', () => {
    const routes: Route[] = [
      { page: 'workspace', view: 'pool' },
      { page: 'workspace', pool: 'crm', view: 'pool' },
      { page: 'workspace', pool: 'crm', view: 'mine' },
      { page: 'workspace', pool: 'crm', view: 'analytics' },
      { page: 'workspace', pool: 'crm', view: 'import' },
      { page: 'workspace', pool: 'crm', view: 'record', recordId: 'a1b2' },
      { page: 'editor', policyId: 'crm-customer-pool' },
      { page: 'policies' },
    ];
    for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route);
    expect(parseRoute('#/pools/crm/nonsense')).toEqual({ page: 'policies' });
  });
});

describe('lists and imports', () => {
  it('asks the API for exact field values (empty ones are no filter)', () => {
    expect(fieldsParam({ industry: 'trade', level: '' })).toBe('industry:trade');
    expect(fieldsParam({ industry: 'software', level: 'A' })).toBe('industry:software,level:A');
    expect(fieldsParam({ industry: '' })).toBeUndefined();
  });

  it('counts a file’s data rows for the progress bar and tells the format by name', () => {
    expect(countRows('name,industry\nA,trade\nB,retail\n\n', 'csv')).toBe(2);
    // A newline inside a quoted cell does not start a row (the import reads 2 rows, not 3).
    expect(countRows('name,industry\r\n"Two\r\nlines",trade\r\nB,retail', 'csv')).toBe(2);
    expect(countRows('{"data":{}}\r\n{"data":{}}\n', 'ndjson')).toBe(2);
    expect(importFormat('leads.ndjson')).toBe('ndjson');
    expect(importFormat('leads.CSV')).toBe('csv');
  });

  it('reads NDJSON lines as they stream in, whatever the chunk boundaries', async () => {
    const chunks = ['{"progress":{"rows":5', '00}}\n{"progress":', '{"rows":1000}}\n{"done":{}}'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        controller.close();
      },
    });
    const lines: string[] = [];
    for await (const line of ndjsonLines(new Response(body))) lines.push(line);
    expect(lines).toEqual([
      '{"progress":{"rows":500}}',
      '{"progress":{"rows":1000}}',
      '{"done":{}}',
    ]);
  });
});

describe("dates in the pool's time zone", () => {
  // 17:30 UTC on 31 Dec is already New Year's Day in Beijing, where the pool's day has turned.
  const at = Date.UTC(2026, 11, 31, 17, 30);

  it('shows a Beijing pool the local date and time', () => {
    expect(formatDateTime(at, 'en', 'Asia/Shanghai')).toBe('1 Jan 2027, 01:30');
    expect(formatDate(at, 'zh', 'Asia/Shanghai')).toBe('2027年1月1日');
  });

  it('shows a UTC pool the UTC day', () => {
    expect(formatDateTime(at, 'en', 'UTC')).toBe('31 Dec 2026, 17:30');
    expect(formatDate(at, 'en', 'UTC')).toBe('31 Dec 2026');
  });
});
