// @vitest-environment jsdom
// The runtime's refusals that now carry a code (a list's state filter the pool's policy has not, a stats
// breakdown by a field without fixed values, an event the pool has not or a payload field it does not
// take, a body of a media type no route takes, without one, over the limit or of another size than its
// Content-Length, an import past its byte, row or cell bounds): in 中文 each reads as a Chinese sentence
// naming its values, a 413 and a 415 too; in English the server's words stay. A refused assignee or
// owner (the single-record assign and move dialogs, the admin's member form) is named by their display
// name, not their id. The details are those the runtime sends (runtime-api/test/refusal-codes-request.test.ts,
// bad-input-records.test.ts, disabled-assignee.test.ts, distribution.test.ts).
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PoolMembers } from '../src/admin/pool-members.js';
import type { AdminPool, AdminUser } from '../src/api/admin.api.js';
import { ApiError } from '../src/api/client.js';
import type { Pool } from '../src/api/pools.api.js';
import { refusalWords } from '../src/api/refusal-words.js';
import { I18nProvider, makeI18n } from '../src/i18n/i18n.js';
import { PoolView } from '../src/workspace/pool-view.js';
import { RecordActions } from '../src/workspace/record-actions.js';
import { WorkspaceProvider } from '../src/workspace/workspace-context.js';
import { CRM_POOL, crmPoolPolicy, ME } from './workspace-fixtures.js';
import { ownedRecord, stubFetch, TestWorkspace, type Detail } from './workspace-harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const zh = makeI18n('zh');
const en = makeI18n('en');

/** The runtime's reply `{error: {code, message, details}}` with one detail. */
const reply = (status: number, code: string, detail: Detail) => ({
  status,
  body: { error: { code, message: `${detail.path} ${detail.message}`, details: [detail] } },
});

const BOSS = { ...ME, id: 'u-boss', username: 'boss', displayName: 'Boss Wu', roles: ['manager'] };
const CRM_STATES = ['owned', 'pool', 'nurture', 'review', 'won', 'lost'];

// [status, POOL_ERR code, path, message, code, params, the Chinese sentence]
const refusals: [number, string, string, string, string, Record<string, unknown>, string][] = [
  [
    400,
    'POOL_ERR_INVALID_PAYLOAD',
    '/body/members/1/userId',
    'lists user u-bob again (first at /body/members/0)',
    'member-repeated',
    { userId: 'u-bob', first: 0 },
    '成员中同一个用户列出了两次',
  ],
  [
    400,
    'POOL_ERR_INVALID_PAYLOAD',
    '/body/displayName',
    'must not contain an unpaired UTF-16 surrogate',
    'unpaired-surrogate',
    {},
    'displayName含有无效字符（不成对的 UTF-16 代理项）',
  ],
  [
    400,
    'POOL_ERR_INVALID_PAYLOAD',
    '/querystring/state',
    `this pool has no state closed; its states: ${CRM_STATES.join(', ')}`,
    'state-not-in-policy',
    { state: 'closed', states: CRM_STATES },
    '此公海没有状态“closed”（它的状态：owned、pool、nurture、review、won、lost）',
  ],
  [
    400,
    'POOL_ERR_INVALID_PAYLOAD',
    '/body/type',
    'this pool has no event FOLLOWUP; its events: FOLLOW_UP, CLAIM, WIN',
    'unknown-event',
    { type: 'FOLLOWUP', events: ['FOLLOW_UP', 'CLAIM', 'WIN'] },
    '此公海没有事件“FOLLOWUP”（它的事件：FOLLOW_UP、CLAIM、WIN）',
  ],
  [
    400,
    'POOL_ERR_INVALID_PAYLOAD',
    '/body/payload/junk',
    'is not a known field',
    'schema',
    { keyword: 'additionalProperties', additionalProperty: 'junk' },
    '“junk”不是可识别的字段',
  ],
  [
    400,
    'POOL_ERR_INVALID_PAYLOAD',
    '/querystring/by',
    'phone is not a field with fixed values; one of: industry, level',
    'not-breakdown-field',
    { name: 'phone', allowed: ['industry', 'level'] },
    '字段“phone”没有固定的可选值，统计不能按它细分（可用的字段：industry、level）',
  ],
  [
    415,
    'POOL_ERR_INVALID_PAYLOAD',
    '/headers/content-type',
    'must be application/json',
    'content-type',
    { value: 'application/xml', allowed: ['application/json'] },
    '不接受内容类型（Content-Type）“application/xml”，可用的类型：application/json',
  ],
  [
    413,
    'POOL_ERR_TOO_LARGE',
    '/body',
    'is larger than the limit of 1048576 bytes',
    'too-large',
    { limit: 1048576 },
    '提交的内容超过了 1.0 MB 的上限',
  ],
  [
    415,
    'POOL_ERR_INVALID_PAYLOAD',
    '/headers/content-type',
    'must be application/json',
    'content-type',
    { value: '', allowed: ['application/json'] },
    '请求没有注明内容类型（Content-Type），可用的类型：application/json',
  ],
  [
    400,
    'POOL_ERR_INVALID_PAYLOAD',
    '/headers/content-length',
    'does not match the size of the body sent',
    'content-length',
    { value: '5' },
    '提交的内容与请求头 Content-Length 声明的大小（5 字节）不符，请重新提交',
  ],
  // An import past its bounds (runtime-api/test/import-limits.test.ts).
  [
    413,
    'POOL_ERR_TOO_LARGE',
    '/body',
    'is larger than the import limit of 10485760 bytes',
    'too-large',
    { limit: 10485760 },
    '提交的内容超过了 10.5 MB 的上限',
  ],
  [
    413,
    'POOL_ERR_TOO_LARGE',
    '/body',
    'has more than 50 rows, the import limit',
    'too-many-rows',
    { limit: 50 },
    '文件超过了 50 行，这是一次导入的上限，请拆分后再导入',
  ],
  [
    413,
    'POOL_ERR_TOO_LARGE',
    '/body',
    'line 3 has a cell longer than the import limit of 1000 characters',
    'cell-too-long',
    { line: 3, limit: 1000 },
    '第 3 行有单元格超过 1000 个字符，这是导入的上限',
  ],
  [
    413,
    'POOL_ERR_TOO_LARGE',
    '/body',
    'line 1 has a line longer than the import limit of 1000 characters',
    'line-too-long',
    { line: 1, limit: 1000 },
    '第 1 行超过 1000 个字符，这是导入的上限',
  ],
];

describe('refusals of a state filter, a breakdown and a body, in Chinese', () => {
  it.each(refusals)(
    'words a %d %s (%s) in Chinese',
    (status, errorCode, path, message, code, params, text) => {
      const refusal = new ApiError(status, errorCode, `${path} ${message}`, [
        { path, message, code, params },
      ]);
      expect(refusalWords(refusal, zh)).toBe(text);
      // Not the code's generic sentence ("the server refused what was sent", "it is too large").
      expect(text).not.toBe(refusalWords(new ApiError(status, errorCode, message), zh));
      // English keeps the server's words.
      expect(refusalWords(refusal, en)).toBe(`${path} ${message}`);
    },
  );

  it("names the pool view's refused state and the policy's states by their labels", async () => {
    // The pool's policy was published without "nurture" meanwhile: the page still offers it.
    const states = CRM_STATES.filter((s) => s !== 'nurture');
    const detail = {
      path: '/querystring/state',
      message: `this pool has no state nurture; its states: ${states.join(', ')}`,
      code: 'state-not-in-policy',
      params: { state: 'nurture', states },
    };
    stubFetch((r) =>
      !r.url.startsWith('/api/pools/crm/records')
        ? undefined
        : r.url.includes('state=nurture')
          ? reply(400, 'POOL_ERR_INVALID_PAYLOAD', detail)
          : { body: { items: [], nextCursor: null }, headers: { etag: 'W/"1"' } },
    );
    const { container } = render(
      <TestWorkspace lang="zh" me={BOSS}>
        <PoolView />
      </TestWorkspace>,
    );
    // All records: every state of the policy is a filter.
    fireEvent.click(await screen.findByTestId('scope-all'));
    fireEvent.change(screen.getByTestId('filter-state'), { target: { value: 'nurture' } });
    await waitFor(() => expect(container.querySelector('.alert.error')).not.toBeNull());
    expect(container.querySelector('.alert.error')?.textContent).toBe(
      '此公海没有状态“长期培育”（它的状态：私海、公海、主管审核、已成交、已输单）',
    );
  });
});

const EAST: Pool = { ...CRM_POOL, id: 'east', key: 'east', name: { en: 'East', zh: '华东客户' } };

/** The record's actions as the CRM's manager sees them (East is a pool it may move to). */
function renderActions(extra: Parameters<typeof ownedRecord>[0], lang: 'en' | 'zh' = 'zh') {
  const { container } = render(
    <I18nProvider lang={lang}>
      <WorkspaceProvider
        me={BOSS}
        pools={[CRM_POOL, EAST]}
        pool={CRM_POOL}
        policy={crmPoolPolicy()}
        clockOffset={0}
        reload={() => undefined}
      >
        <RecordActions record={ownedRecord(extra)} onChanged={vi.fn()} onRefused={vi.fn()} />
      </WorkspaceProvider>
    </I18nProvider>,
  );
  return async () => {
    await waitFor(() => expect(container.querySelector('.alert.error')).not.toBeNull());
    return container.querySelector('.alert.error')?.textContent;
  };
}

describe('a refused assignee or owner, by name', () => {
  it.each([
    [
      'user-disabled',
      { user: 'u-bob' },
      'user u-bob is disabled: records go to enabled users only',
      '用户“Bob Li”已停用：记录只能交给启用的用户',
    ],
    [
      'not-member',
      { user: 'u-bob', pool: 'crm' },
      'user u-bob is not a member of pool crm',
      '用户“Bob Li”不是公海“客户公海”的成员',
    ],
  ])('the assign dialog words %s with the assignee’s name', async (code, params, message, text) => {
    const calls = stubFetch((r) =>
      r.url === '/api/pools/crm/records/r1/assign'
        ? reply(400, 'POOL_ERR_INVALID_PAYLOAD', { path: '/body/userId', message, code, params })
        : undefined,
    );
    const refusal = renderActions({ ownerId: null, pooled: true, availableEvents: ['ASSIGN'] });
    fireEvent.click(screen.getByTestId('assign'));
    fireEvent.change(screen.getByTestId('assign-user'), { target: { value: 'u-bob' } });
    fireEvent.click(screen.getByTestId('assign-submit'));
    expect(await refusal()).toBe(text);
    expect(calls.map((c) => c.body)).toEqual([{ userId: 'u-bob' }]);
  });

  // A claim rule refusing the assignee speaks of them, not of the manager who assigns ("you").
  it.each([
    ['zh', 'Bob Li已持有 3 条，最多 3 条'],
    ['en', 'Bob Li already holds 3 records and may hold 3'],
  ])('the assign dialog words a claim limit as the assignee’s (%s)', async (lang, text) => {
    stubFetch((r) =>
      r.url === '/api/pools/crm/records/r1/assign'
        ? {
            status: 422,
            body: {
              error: {
                code: 'POOL_ERR_CLAIM_LIMIT',
                message: 'Bob Li (bob) already owns 3 records (limit 3)',
                details: { owned: 3, limit: 3 },
              },
            },
          }
        : undefined,
    );
    const refusal = renderActions(
      { ownerId: null, pooled: true, availableEvents: ['ASSIGN'] },
      lang as 'en' | 'zh',
    );
    fireEvent.click(screen.getByTestId('assign'));
    fireEvent.change(screen.getByTestId('assign-user'), { target: { value: 'u-bob' } });
    fireEvent.click(screen.getByTestId('assign-submit'));
    expect(await refusal()).toBe(text);
  });

  it('the move dialog words an owner who is not a member of the target pool by names', async () => {
    stubFetch((r) =>
      r.url === '/api/pools/crm/records/r1/move'
        ? reply(400, 'POOL_ERR_INVALID_PAYLOAD', {
            path: '/body/pool',
            message: 'user u-alice is not a member of pool east',
            code: 'not-member',
            params: { user: 'u-alice', pool: 'east' },
          })
        : undefined,
    );
    const refusal = renderActions({ availableEvents: ['FOLLOW_UP'] });
    fireEvent.click(screen.getByTestId('move'));
    fireEvent.click(screen.getByTestId('move-submit'));
    expect(await refusal()).toBe('用户“Alice Zhang”不是公海“华东客户”的成员');
  });

  it("the admin's member form names a refused user by their display name", async () => {
    const users: AdminUser[] = [
      {
        id: 'u1',
        username: 'li.na',
        displayName: 'Li Na',
        roles: ['member'],
        attributes: {},
        disabled: false,
        departmentId: 'sales',
      },
    ];
    const pool: AdminPool = { ...EAST, name: { en: 'East' }, members: [] };
    // The user was removed from the department meanwhile: for this admin, no such user.
    stubFetch((r) =>
      r.method === 'POST' && r.url === '/api/pools/east/members'
        ? reply(400, 'POOL_ERR_INVALID_PAYLOAD', {
            path: '/body/userId',
            message: 'user u1 does not exist',
            code: 'unknown-user',
            params: { user: 'u1' },
          })
        : undefined,
    );
    render(
      <I18nProvider lang="zh">
        <PoolMembers pool={pool} users={users} onChanged={vi.fn()} />
      </I18nProvider>,
    );
    const [user] = [...screen.getByTestId('member-form').querySelectorAll('select')];
    fireEvent.change(user, { target: { value: '0' } });
    fireEvent.click(screen.getByTestId('member-form-submit'));
    const error = await screen.findByTestId('member-form-error');
    expect(error.textContent).toBe('没有用户“Li Na”');
  });
});
