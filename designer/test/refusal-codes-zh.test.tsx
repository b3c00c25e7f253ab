// @vitest-environment jsdom
// The runtime's refusals that now carry a code of their own (not a member of the pool, a disabled
// assignee, an unknown department, a taken policy id, a blank release reason), and a bulk
// assignment's refused records: in 中文 each reads as a Chinese sentence naming the user, pool or
// value; in English the server's words stay. The error shapes are those the runtime sends.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/client.js';
import { detailWords, detailZh, refusalWords } from '../src/api/refusal-words.js';
import type { BulkAssignResult } from '../src/api/records.api.js';
import { makeI18n } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { BulkAssignBar } from '../src/workspace/manager-bar.js';
import { stubFetch, TestWorkspace } from './workspace-harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const words = (lang: Lang) => makeI18n(lang);
const zh = words('zh');

/** A 400 as the client reads the runtime's reply `{error: {code, message, details}}`. */
const invalid = (detail: { path: string; message: string; code: string; params: object }) =>
  new ApiError(400, 'POOL_ERR_INVALID_PAYLOAD', `${detail.path} ${detail.message}`, [detail]);

describe('refusals with a code of their own, in Chinese', () => {
  it('says which user is not a member of which pool, by their names when known', () => {
    const detail = {
      path: '/body/userId',
      message: 'user u-carl is not a member of pool crm',
      code: 'not-member',
      params: { user: 'u-carl', pool: 'crm' },
    };
    expect(detailZh(detail, zh)).toBe('用户“u-carl”不是公海“crm”的成员');
    expect(
      refusalWords(invalid(detail), zh, {
        poolName: (key) => (key === 'crm' ? '客户公海' : key),
        userName: (id) => (id === 'u-carl' ? 'Carl Wu' : id),
      }),
    ).toBe('用户“Carl Wu”不是公海“客户公海”的成员');
  });

  // Each detail as the runtime sends it: [path, message, code, params], and its Chinese sentence.
  const refusals: [string, string, string, object, string][] = [
    [
      '/body/userId',
      'user u-dave is disabled: records go to enabled users only',
      'user-disabled',
      { user: 'u-dave' },
      '用户“u-dave”已停用：记录只能交给启用的用户',
    ],
    [
      '/body/departmentId',
      'department nowhere does not exist',
      'unknown-department',
      { value: 'nowhere' },
      '没有部门“nowhere”',
    ],
    [
      '/body/document/id',
      'policy crm-customer-pool exists',
      'key-taken',
      { value: 'crm-customer-pool' },
      '“crm-customer-pool”已被使用',
    ],
    ['/body/reason', 'must not be blank', 'blank-reason', {}, '释放原因不能为空'],
  ];
  it('words a duplicate (查重) by its code: the 409 as a sentence, its detail naming the pool', () => {
    const detail = {
      path: '/body/data/name',
      message: "is the same as record r-1's in pool crm",
      code: 'duplicate',
      params: { field: 'name', recordId: 'r-1', pool: 'crm', ownerId: null },
    };
    const refusal = new ApiError(
      409,
      'POOL_ERR_DUPLICATE',
      'another record already has this name: r-1',
      [detail],
    );
    expect(refusalWords(refusal, zh)).toBe(
      '已有另一条记录使用了相同的值：请打开那条记录，不要重复添加。',
    );
    expect(refusalWords(refusal, words('en'))).toBe('another record already has this name: r-1');
    const poolName = (key: string) => (key === 'crm' ? '客户公海' : key);
    expect(detailZh(detail, zh, { poolName })).toBe('与客户公海中的另一条记录重复');
    // In English too in the client's words: the server's names the record by its id.
    expect(detailWords(detail, words('en'), { poolName: () => 'Customers' })).toBe(
      'is already another record’s (in Customers)',
    );
    const row = { path: '/data/name', message: "is the same as line 2's", code: 'duplicate-row' };
    expect(detailWords({ ...row, params: { field: 'name', line: 2 } }, zh)).toBe('与第 2 行重复');
  });

  it.each(refusals)('words %s (%s) in Chinese', (path, message, code, params, text) => {
    const refusal = invalid({ path, message, code, params });
    expect(refusalWords(refusal, zh)).toBe(text);
    // English keeps the server's words.
    expect(refusalWords(refusal, words('en'))).toBe(`${path} ${message}`);
  });
});

describe('bulk assignment', () => {
  /** The bar over `ids` checked, assigned to Bob; the runtime answers `reply` to the assignment. */
  async function assign(ids: string[], lang: Lang, reply: { status?: number; body: unknown }) {
    const calls = stubFetch((r) => (r.url === '/api/pools/crm/assign-bulk' ? reply : undefined));
    const onDone = vi.fn();
    const view = render(
      <TestWorkspace lang={lang}>
        <BulkAssignBar selected={ids} onDone={onDone} onClear={() => undefined} />
      </TestWorkspace>,
    );
    fireEvent.change(screen.getByTestId('bulk-user'), { target: { value: 'u-bob' } });
    fireEvent.click(screen.getByTestId('bulk-assign'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls.map((c) => c.body)).toEqual([{ recordIds: ids, userId: 'u-bob' }]);
    view.unmount();
    return onDone.mock.calls[0]?.[1] as unknown;
  }
  const assignThree = (lang: Lang, reply: { status?: number; body: unknown }) =>
    assign(['r1', 'r2', 'r3'], lang, reply);

  const assignFive = (lang: Lang, reply: { status?: number; body: unknown }) =>
    assign(['r1', 'r2', 'r3', 'r4', 'r5'], lang, reply);

  // One record assigned; Bob is over his limit for the next; the last is won, so no one is assigned it.
  const refusedRows: BulkAssignResult = {
    assigned: 1,
    results: [
      { id: 'r1', ok: true, state: 'owned' },
      {
        id: 'r2',
        ok: false,
        error: {
          code: 'POOL_ERR_CLAIM_LIMIT',
          message: 'you already own 5 records (limit 5)',
          details: { owned: 5, limit: 5 },
        },
      },
      {
        id: 'r3',
        ok: false,
        error: {
          code: 'POOL_ERR_EVENT_NOT_ALLOWED',
          message: 'ASSIGN is not allowed in state won',
          details: { state: 'won', type: 'ASSIGN' },
        },
      },
    ],
  };

  it('words each refused record in Chinese, naming the assignee', async () => {
    const text = await assignThree('zh', { body: refusedRows });
    expect(text).toBe(
      '已分配 1/3 条；被拒绝：Bob Li已持有 5 条，最多 5 条；记录当前状态下不能这样操作。',
    );
  });

  it('gives each kind of refusal once with its count, the cooldowns with the first to end', async () => {
    const row = (id: string, code: string, details: Record<string, unknown>) => ({
      id,
      ok: false,
      error: { code, message: `${code} ${id}`, details },
    });
    const reply = {
      assigned: 0,
      results: [
        row('r1', 'POOL_ERR_COOLDOWN', { until: '2026-12-12T05:12:00.000Z' }),
        row('r2', 'POOL_ERR_CLAIM_LIMIT', { owned: 5, limit: 5 }),
        row('r3', 'POOL_ERR_COOLDOWN', { until: '2026-12-06T05:12:00.000Z' }),
        row('r4', 'POOL_ERR_CLAIM_LIMIT', { owned: 5, limit: 5 }),
        row('r5', 'POOL_ERR_COOLDOWN', { until: '2026-12-11T00:12:00.000Z' }),
      ],
    };
    const text = await assignFive('zh', { body: reply });
    // Shanghai time (the pool's zone): 05:12 UTC is 13:12 there.
    expect(text).toBe(
      '已分配 0/5 条；被拒绝：其中 3 条Bob Li刚释放过：最早 2026年12月6日 13:12 之后才能再分配给此人；' +
        '2 条：Bob Li已持有 5 条，最多 5 条',
    );
    // English: the first record's reason, a claim rule about the assignee, its date in the pool's zone
    // (the server says it in UTC, as an ISO time).
    expect(await assignFive('en', { body: reply })).toBe(
      'Assigned 0 of 5; refused: Bob Li released it recently and may have it again from 12 Dec 2026, 13:12',
    );
  });

  it('says a claim rule about the assignee in English too, not as the server said it', async () => {
    const text = await assignThree('en', { body: refusedRows });
    expect(text).toBe('Assigned 1 of 3; refused: Bob Li already holds 5 records and may hold 5');
  });

  it('names the disabled assignee by name when the whole assignment is refused', async () => {
    const text = await assignThree('zh', {
      status: 400,
      body: {
        error: {
          code: 'POOL_ERR_INVALID_PAYLOAD',
          message: '/body/userId user u-bob is disabled: records go to enabled users only',
          details: [
            {
              path: '/body/userId',
              message: 'user u-bob is disabled: records go to enabled users only',
              code: 'user-disabled',
              params: { user: 'u-bob' },
            },
          ],
        },
      },
    });
    expect(text).toBe('用户“Bob Li”已停用：记录只能交给启用的用户');
  });
});
