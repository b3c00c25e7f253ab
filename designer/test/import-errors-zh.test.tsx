// @vitest-environment jsdom
// The import report's rows in Chinese: each error worded by the code and params the runtime sends
// (import.service.ts), naming fields by their titles and people and pools by their names; English keeps
// the server's message, but for a duplicate's (查重), which names a record by its id.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportReport } from '../src/api/transfer.api.js';
import type { Lang } from '../src/i18n/messages.js';
import { ImportPage } from '../src/workspace/import-page.js';
import { crmPoolPolicy } from './workspace-fixtures.js';
import { TestWorkspace } from './workspace-harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The CRM template's industries (the values the runtime lists in its enum error). */
const INDUSTRIES = crmPoolPolicy().entity.schema.properties['industry'].enum as string[];
const industryMessage = `Industry (industry) must be one of: ${INDUSTRIES.join(', ')}`;

/** The record a duplicate row's name is already held by. */
const HOLDER = '5d0c9a4e-7d1f-4a43-9d0e-2f3c1b6a8e11';

/** The errors as the runtime now sends them (runtime-api/test/import-owners.test.ts asserts these). */
const errors: ImportReport['errors'] = [
  {
    line: 2,
    path: '/data/industry',
    message: `${industryMessage}; Level (level) must be one of: A, B, C`,
    code: 'schema',
    params: { keyword: 'enum', allowedValues: INDUSTRIES },
    details: [
      {
        path: '/data/industry',
        message: industryMessage,
        code: 'schema',
        params: { keyword: 'enum', allowedValues: INDUSTRIES },
      },
      {
        path: '/data/level',
        message: 'Level (level) must be one of: A, B, C',
        code: 'schema',
        params: { keyword: 'enum', allowedValues: ['A', 'B', 'C'] },
      },
    ],
  },
  {
    line: 3,
    path: '/data/name',
    message: 'Name (name) is required',
    code: 'schema',
    params: { keyword: 'required', missingProperty: 'name' },
  },
  {
    line: 4,
    path: '',
    message: 'has 2 cells, the header has 4',
    code: 'cell-count',
    params: { cells: 2, columns: 4 },
  },
  {
    line: 5,
    path: '',
    message: 'is not JSON: Unexpected end of JSON input',
    code: 'not-json',
    params: { reason: 'Unexpected end of JSON input' },
  },
  {
    line: 6,
    path: '/data/name',
    message: 'must not contain a NUL character',
    code: 'nul-character',
    params: {},
  },
  {
    line: 7,
    path: '/ownerId',
    message: 'is not a member of pool crm, where the row is routed',
    code: 'not-member',
    params: { user: 'u-bob', pool: 'crm' },
  },
  {
    line: 8,
    path: '/ownerId',
    message: '"outsider" is not a member of pool crm (by id, username or name)',
    code: 'not-member',
    params: { user: 'outsider', pool: 'crm' },
  },
  {
    line: 9,
    path: '/ownerId',
    message: 'user u-bob is disabled: records go to enabled users only',
    code: 'user-disabled',
    params: { user: 'u-bob' },
  },
  {
    line: 10,
    path: '/data',
    message: 'refused by admission rule "no-phone": A lead needs a phone number',
    code: 'POOL_ERR_NOT_ADMITTED',
    rule: 'no-phone',
    params: {
      rule: 'no-phone',
      message: { en: 'A lead needs a phone number', zh: '线索必须有电话' },
    },
  },
  {
    line: 11,
    path: '',
    message: 'not written: invalid input syntax for type json',
    code: 'not-written',
    params: { reason: 'invalid input syntax for type json' },
  },
  // A unique field's value (查重) a record of the policy holds, or an earlier line of the file.
  {
    line: 12,
    path: '/data/name',
    message: `is the same as record ${HOLDER}'s in pool crm`,
    code: 'duplicate',
    params: { field: 'name', recordId: HOLDER, pool: 'crm', ownerId: 'u-bob' },
  },
  {
    line: 13,
    path: '/data/name',
    message: "is the same as line 2's",
    code: 'duplicate-row',
    params: { field: 'name', line: 2 },
  },
];

async function showReport(lang: Lang): Promise<string[]> {
  const done: ImportReport = { rows: 12, imported: 2, failed: errors.length, errors, routed: {} };
  vi.stubGlobal(
    'fetch',
    vi.fn(() => Promise.resolve(new Response(`${JSON.stringify({ done })}\n`, { status: 200 }))),
  );
  render(
    <TestWorkspace lang={lang}>
      <ImportPage />
    </TestWorkspace>,
  );
  const file = new File(['name\nA\n'], 'rows.csv', { type: 'text/csv' });
  fireEvent.change(screen.getByTestId('import-input'), { target: { files: [file] } });
  await waitFor(() =>
    expect(screen.getByTestId<HTMLButtonElement>('import-start').disabled).toBe(false),
  );
  fireEvent.click(screen.getByTestId('import-start'));
  // One table row per problem: a row with two wrong fields takes two.
  const problems = errors.reduce((n, e) => n + (e.details?.length ?? 1), 0);
  await waitFor(() => expect(screen.getAllByTestId('import-error')).toHaveLength(problems));
  return screen.getAllByTestId('import-error').map((row) => row.textContent ?? '');
}

/** The table's rows of one problem each, read as the message they should show (English). */
const problemMessages = errors.flatMap((e) => (e.details ?? [e]).map((d) => d.message));

describe('import report in Chinese', () => {
  it('words each row error by its code and params, naming fields, people and pools', async () => {
    const rows = await showReport('zh');
    // No row reads in the server's English.
    for (const [i, row] of rows.entries()) expect(row).not.toContain(problemMessages[i]);
    const problems = screen
      .getAllByTestId('import-error-problem')
      .map((cell) => cell.textContent ?? '');
    expect(problems).toEqual([
      // Both wrong fields of the row, each in its own table row, by their titles.
      // Each choice as the value to write, with its Chinese name beside it.
      '行业只能是以下之一：software（软件）、manufacturing（制造）、finance（金融）、trade（贸易）、' +
        'retail（零售）、education（教育）、other（其他）',
      '级别只能是以下之一：A、B、C',
      '必须填写名称',
      '这一行有 2 个单元格，表头有 4 列',
      '这一行不是有效的 JSON',
      '名称不能包含 NUL 字符',
      // People by their names, the pool by its Chinese name; a cell that names no one as typed.
      '用户“Bob Li”不是公海“客户公海”的成员',
      '用户“outsider”不是公海“客户公海”的成员',
      '用户“Bob Li”已停用：记录只能交给启用的用户',
      // The admission rule's own Chinese message.
      '被准入规则“no-phone”拒绝：线索必须有电话',
      '数据库拒绝写入这一行，未导入',
      // A duplicate names the pool by its name, not the record's id.
      '与客户公海中的另一条记录重复',
      '与第 2 行重复',
    ]);
    // The line once, beside its first field; the second field of that line under it.
    expect(rows[0]).toMatch(/^2行业 \(\/data\/industry\)/);
    expect(rows[1]).toMatch(/^级别 \(\/data\/level\)/);
    expect(rows[2]).toMatch(/^3名称/);
    // The owner column by its name, as the import's field list names it.
    expect(rows[6]).toContain('负责人 (/ownerId)');
    // A rule about the whole record (an admission rule) names the record, not a bare path.
    expect(rows[9]).toMatch(/^10整条记录 \(\/data\)被准入规则/);
  });

  it('keeps the server’s English message in English, one field a table row', async () => {
    const rows = await showReport('en');
    const duplicates = rows.splice(-2);
    for (const [i, row] of rows.entries()) expect(row).toContain(problemMessages[i]);
    // A duplicate in words naming the pool, not the server's record id.
    expect(duplicates).toEqual([
      '12Name (/data/name)is already another record’s (in Customers)',
      '13Name (/data/name)is the same as line 2',
    ]);
    expect(rows[0]).toContain('Industry (/data/industry)');
    expect(rows[0]).not.toContain('Level (level) must be one of');
    expect(rows[1]).toContain('Level (/data/level)Level (level) must be one of: A, B, C');
    expect(rows[9]).toMatch(/^10The record \(\/data\)refused by admission rule/);
  });
});
