// @vitest-environment jsdom
// The runtime's refusals that now carry a code of their own (not a member of the pool, a disabled
// assignee, an unknown department, a taken policy id, a blank release reason), and a bulk
// assignment's refused records: in 中文 each reads as a Chinese sentence naming the user, pool or
// value; in English the server's words stay. The error shapes are those the runtime sends.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/client.js';
import { detailZh, refusalWords } from '../src/api/refusal-words.js';
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
  it.each(refusals)('words %s (%s) in Chinese', (path, message, code, params, text) => {
    const refusal = invalid({ path, message, code, params });
    expect(refusalWords(refusal, zh)).toBe(text);
    // English keeps the server's words.
    expect(refusalWords(refusal, words('en'))).toBe(`${path} ${message}`);
  });
});

describe('bulk assignment', () => {
  /** The bar over three checked records, assigned to Bob; the runtime answers `reply` to the assignment. */
  async function assignThree(lang: Lang, reply: { status?: number; body: unknown }) {
    const calls = stubFetch((r) => (r.url === '/api/pools/crm/assign-bulk' ? reply : undefined));
    const onDone = vi.fn();
    render(
      <TestWorkspace lang={lang}>
        <BulkAssignBar selected={['r1', 'r2', 'r3']} onDone={onDone} onClear={() => undefined} />
      </TestWorkspace>,
    );
    fireEvent.change(screen.getByTestId('bulk-user'), { target: { value: 'u-bob' } });
    fireEvent.click(screen.getByTestId('bulk-assign'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls.map((c) => c.body)).toEqual([{ recordIds: ['r1', 'r2', 'r3'], userId: 'u-bob' }]);
    return onDone.mock.calls[0]?.[1] as unknown;
  }

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

  it('keeps the server’s reason in English', async () => {
    const text = await assignThree('en', { body: refusedRows });
    expect(text).toBe('Assigned 1 of 3; refused: you already own 5 records (limit 5)');
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
