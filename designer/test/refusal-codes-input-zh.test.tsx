// @vitest-environment jsdom
// The runtime's refusals that now carry a code (a rollout's version, a draft's id, a forced publish, an
// import's body and CSV header, the input guard, an Idempotency-Key, a list's cursor and filters, a stats
// range): in 中文 each reads as a Chinese sentence naming its values, not the generic "the value is not
// right"; in English the server's words stay. The details are those runtime-api/test/refusal-codes-*.test.ts
// asserts.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/client.js';
import { detailZh, refusalWords } from '../src/api/refusal-words.js';
import { makeI18n } from '../src/i18n/i18n.js';
import { ImportPage } from '../src/workspace/import-page.js';
import { stubFetch, TestWorkspace, type Detail } from './workspace-harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const zh = makeI18n('zh');
const en = makeI18n('en');

/** A 400 as the client reads the runtime's reply `{error: {code, message, details}}`. */
const invalid = (...details: Detail[]) =>
  new ApiError(
    400,
    'POOL_ERR_INVALID_PAYLOAD',
    details.map((d) => `${d.path} ${d.message}`).join('; '),
    details,
  );

const FIELDS = ['name', 'industry', 'phone', 'level', 'urgency'];

// Each detail as the runtime sends it: [path, message, code, params], and its Chinese sentence.
const refusals: [string, string, string, Record<string, unknown>, string][] = [
  [
    '/body/toVersion',
    'pool crm runs version 1 and no running record is on an older one',
    'version-current',
    { version: 1, pool: 'crm' },
    '公海“crm”已在运行版本 1，也没有进行中的记录停留在更早的版本',
  ],
  [
    '/body/toVersion',
    'must not be older than version 2, which pool newer runs',
    'version-older',
    { version: 1, current: 2, pool: 'newer' },
    '版本 1 早于公海“newer”正在运行的版本 2，不能回退',
  ],
  [
    '/body/document/id',
    'must be crm-customer-pool',
    'id-mismatch',
    { expected: 'crm-customer-pool', value: 'other-pool' },
    '策略 ID 必须是“crm-customer-pool”（与地址中的一致），而不是“other-pool”',
  ],
  [
    '/body/message',
    'is required when publishing with force',
    'force-message',
    {},
    '强制发布必须填写发布说明，写明原因',
  ],
  [
    '/headers/content-type',
    'must be text/csv or application/x-ndjson',
    'content-type',
    { value: 'application/json', allowed: ['text/csv', 'application/x-ndjson'] },
    '不接受内容类型（Content-Type）“application/json”，可用的类型：text/csv、application/x-ndjson',
  ],
  [
    '/body',
    'ended before it was complete',
    'body-incomplete',
    {},
    '上传在完成前中断了，请重新上传文件',
  ],
  [
    '/body/header/3',
    'repeats column 1, "name"',
    'column-repeated',
    { column: 'name', index: 4, first: 1 },
    '第 4 列“name”与第 1 列是同一个字段',
  ],
  [
    '/body/header/1',
    `"colour" is not a field of this pool (its fields: ${FIELDS.join(', ')}; and ownerId)`,
    'unknown-column',
    { column: 'colour', fields: FIELDS },
    '列“colour”不是此公海的字段（可用的字段：name、industry、phone、level、urgency，以及 ownerId）',
  ],
  [
    '/body/header/1',
    '"电话" names fields phone and mobile: write the field\'s key',
    'column-ambiguous',
    { column: '电话', fields: ['phone', 'mobile'] },
    '列“电话”同时是字段 phone、mobile 的名称：请写字段的键',
  ],
  [
    '/body',
    'is not JSON: Unexpected end of JSON input',
    'body-not-json',
    { reason: 'Unexpected end of JSON input' },
    '提交的内容不是有效的 JSON：Unexpected end of JSON input',
  ],
  [
    '/body',
    "is not JSON: Expected ',' or '}' after property value in JSON at position 6",
    'body-not-json',
    { reason: "Expected ',' or '}' after property value in JSON at position 6", character: 7 },
    '提交的内容不是有效的 JSON：第 7 个字符处有误',
  ],
  [
    '/body',
    'has a forbidden __proto__ key',
    'forbidden-key',
    { key: '__proto__' },
    '提交的内容含有不允许的键“__proto__”',
  ],
  [
    '/querystring/limit',
    'must be a finite number',
    'not-finite',
    {},
    '“limit”的值必须是有限的数字',
  ],
  [
    '/headers/idempotency-key',
    'must be 1 to 200 characters',
    'key-length',
    { min: 1, max: 200, length: 201 },
    'Idempotency-Key 请求头必须是 1 到 200 个字符（现有 201 个）',
  ],
  [
    '/querystring/cursor',
    'is not a cursor from a previous page',
    'bad-cursor',
    {},
    '列表的翻页标记（cursor）不是上一页返回的，请刷新列表',
  ],
  [
    '/querystring/owner',
    'needs view=all',
    'owner-needs-all',
    { view: 'mine' },
    '按负责人筛选只能在全部记录视图（view=all）中使用，当前为 view=mine',
  ],
  [
    '/querystring/fields',
    'takes at most 10 filters',
    'too-many-filters',
    { limit: 10 },
    '一次最多按 10 个字段筛选',
  ],
  [
    '/querystring/fields',
    'name is not a field with fixed values',
    'not-filterable',
    { name: 'name' },
    '字段“name”没有固定的可选值，不能用于筛选',
  ],
  [
    '/querystring/fields',
    "level is masked in this view: only the pool's managers and a record's owner filter by it",
    'field-masked',
    { name: 'level' },
    '字段“level”在此视图中被隐藏：只有公海管理员和记录负责人可以按它筛选',
  ],
  [
    '/querystring/fields',
    'level must be one of: A, B, C',
    'value-not-allowed',
    { name: 'level', value: 'Z', allowed: ['A', 'B', 'C'] },
    '“Z”不是字段“level”的可选值（可选值：A、B、C）',
  ],
  [
    '/querystring/from',
    'the range starts no earlier than 1970-01-01T00:00:00Z',
    'range-floor',
    { floor: '1970-01-01T00:00:00Z' },
    '统计范围不能早于 1970-01-01T00:00:00Z',
  ],
  [
    '/querystring/from',
    'must be before to',
    'from-not-before-to',
    { from: '2026-03-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
    '开始时间 2026-03-01T00:00:00.000Z 必须早于结束时间 2026-02-01T00:00:00.000Z',
  ],
  [
    '/querystring/from',
    'the range is at most 400 days',
    'range-too-long',
    { from: '2024-01-01T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z', limit: 400 },
    '统计范围 2024-01-01T00:00:00.000Z 至 2025-03-01T00:00:00.000Z 超过了 400 天',
  ],
];

/** A refusal of the table by its code: the detail as the runtime sends it, and its Chinese sentence. */
function byCode(code: string): { detail: Detail; text: string } {
  const found = refusals.find((r) => r[2] === code);
  if (!found) throw new Error(`no refusal ${code}`);
  const [path, message, , params, text] = found;
  return { detail: { path, message, code, params }, text };
}

describe('refusals of a request’s form, in Chinese', () => {
  it.each(refusals)('words %s (%s) in Chinese', (path, message, code, params, text) => {
    const refusal = invalid({ path, message, code, params });
    expect(refusalWords(refusal, zh)).toBe(text);
    // Not the sentence a detail without a code reads as (the field and that it is not right).
    expect(text).not.toBe(detailZh({ path, message }, zh));
    // English keeps the server's words.
    expect(refusalWords(refusal, en)).toBe(`${path} ${message}`);
  });

  it('names a rollout’s pool by its name when the caller knows it', () => {
    const refusal = invalid(byCode('version-current').detail);
    expect(
      refusalWords(refusal, zh, { poolName: (key) => (key === 'crm' ? '客户公海' : key) }),
    ).toBe('公海“客户公海”已在运行版本 1，也没有进行中的记录停留在更早的版本');
  });
});

describe('import page', () => {
  it('shows a refused CSV header in Chinese, each column with its own sentence', async () => {
    const [unknown, repeated] = [byCode('unknown-column'), byCode('column-repeated')];
    const details = [unknown.detail, repeated.detail];
    stubFetch((r) =>
      r.url.startsWith('/api/pools/crm/import')
        ? {
            status: 400,
            body: {
              error: {
                code: 'POOL_ERR_INVALID_PAYLOAD',
                message: `the CSV header is refused: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
                details,
              },
            },
          }
        : undefined,
    );
    const { container } = render(
      <TestWorkspace lang="zh">
        <ImportPage />
      </TestWorkspace>,
    );
    const file = new File(['name,colour,phone,name\n'], 'rows.csv', { type: 'text/csv' });
    fireEvent.change(screen.getByTestId('import-input'), { target: { files: [file] } });
    await waitFor(() =>
      expect(screen.getByTestId<HTMLButtonElement>('import-start').disabled).toBe(false),
    );
    fireEvent.click(screen.getByTestId('import-start'));
    await waitFor(() => expect(container.querySelector('.alert.error')).not.toBeNull());
    expect(container.querySelector('.alert.error')?.textContent).toBe(
      `${unknown.text}；${repeated.text}`,
    );
  });
});
