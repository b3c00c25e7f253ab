// Why a bulk request refused records, in words: records their state keeps are counted by state (a
// manager releasing a departed rep's book reads "6 Won, 4 Lost", not the first record's server text).
import { describe, expect, it } from 'vitest';
import { makeI18n } from '../src/i18n/i18n.js';
import { bulkRefusals, type BulkRowError } from '../src/workspace/bulk-refusal.js';
import { poolWords } from '../src/workspace/claim-refusal.js';

const notIn = (state: string): BulkRowError => ({
  code: 'POOL_ERR_EVENT_NOT_ALLOWED',
  message: `RELEASE is not allowed in state ${state}`,
  details: { state, type: 'RELEASE' },
});
const labels: Record<string, Record<string, string>> = {
  en: { won: 'Won', lost: 'Lost' },
  zh: { won: '成交', lost: '输单' },
};

describe('bulk refusals', () => {
  it.each([
    ['en', 'their state keeps them (2 Won, 1 Lost)'],
    ['zh', '当前状态不允许（成交 2 条、输单 1 条）'],
  ] as const)('counts records their state keeps, by state (%s)', (lang, text) => {
    const i18n = makeI18n(lang);
    const about = {
      assignee: '',
      words: poolWords(undefined, i18n),
      stateLabel: (s: string) => labels[lang][s] ?? s,
    };
    expect(bulkRefusals([notIn('won'), notIn('lost'), notIn('won')], i18n, about)).toBe(text);
  });

  it('keeps the server words in English when the refusals are of other kinds too', () => {
    const i18n = makeI18n('en');
    const gone: BulkRowError = { code: 'POOL_ERR_NOT_FOUND', message: 'record r9 not found' };
    const about = { assignee: '', words: poolWords(undefined, i18n), stateLabel: (s: string) => s };
    expect(bulkRefusals([gone, notIn('won')], i18n, about)).toBe('record r9 not found');
  });
});
