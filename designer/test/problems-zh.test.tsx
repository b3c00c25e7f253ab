// @vitest-environment jsdom
// The Problems panel in 中文: every problem code has Chinese words, Ajv's schema errors read as the
// form's fields instead of "must have required property 'en'", and English keeps the engine's text.
import { PROBLEM_CODES, validate, type Policy } from '@poolflow/engine';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { PROBLEMS_ZH, SCHEMA_WORDS } from '../src/i18n/problem-messages.js';
import { ProblemsPanel } from '../src/inspector/problems-panel.js';
import { crm } from './fixtures.js';
import { renderInspector } from './inspector-harness.js';

afterEach(cleanup);

/** Ajv's own English, which a Chinese admin cannot read and an English one should not have to. */
const AJV =
  /must have required property|must be equal to one of the allowed values|must NOT|must be (string|array|object)|must match/;
const CJK = /[\u4e00-\u9fff]/;

/** CRM with a rule using an unknown operator, a transition to a missing state, a blank state label
 * and a notify action whose params fail its schema (no message, recipients not one of its values). */
function brokenCrm(): Policy {
  const policy = crm();
  policy.rules!['isHard'] = { method: [{ var: 'entity.name' }] };
  const review = policy.machine.states['review'];
  review.on!['ASSIGN'] = { target: 'nowhere' };
  review.meta = { ...review.meta, label: { en: ' ', zh: '主管审核' } };
  review.entry = [{ type: 'notify', params: { to: 'boss', kind: 'review' } }];
  return policy;
}

/** CRM failing the policy schema: a name without English, a state kind not in the enum, a stray field. */
function schemaBrokenCrm(): Policy {
  const policy = crm() as unknown as {
    name: object;
    machine: { states: Record<string, Record<string, unknown>> };
  };
  policy.name = { zh: '客户公海' };
  policy.machine.states['won']['type'] = 'finale';
  policy.machine.states['pool']['colour'] = 'red';
  return policy as unknown as Policy;
}

function panel(policy: Policy, lang: Lang) {
  render(
    <I18nProvider lang={lang}>
      <ProblemsPanel
        policy={policy}
        problems={validate(policy).problems}
        onPick={() => undefined}
      />
    </I18nProvider>,
  );
  const lines = screen.getAllByTestId('problem').map((li) => ({
    code: li.dataset['code'],
    path: li.dataset['path'],
    text: li.querySelector('.problem-message')?.textContent ?? '',
  }));
  cleanup();
  return lines;
}

const line = (lines: ReturnType<typeof panel>, code: string, path: string) =>
  lines.find((l) => l.code === code && l.path === path)?.text;

describe('Problems panel in Chinese', () => {
  it('shows every kind of problem in Chinese, with the names it is about and no Ajv English', () => {
    const lines = panel(brokenCrm(), 'zh');
    const at = (code: string, path: string) => line(lines, code, path);
    expect(at('unknown-operator', '/rules/isHard/method')).toBe('不支持运算符“method”');
    expect(at('unknown-state', '/machine/states/review/on/ASSIGN/target')).toBe(
      '目标状态“nowhere”不存在',
    );
    expect(at('blank-name', '/machine/states/review/meta/label/en')).toBe(
      '状态“主管审核”的英文显示名只有空白',
    );
    const params = '/machine/states/review/entry/0/params';
    expect(at('invalid-params', `${params}/message`)).toBe('“发送通知”动作的参数：必须填写消息');
    expect(at('invalid-params', `${params}/to`)).toBe(
      '“发送通知”动作的参数：接收人只能是以下之一：负责人、原负责人、操作人、公海管理者、公海成员、部门管理员',
    );
    for (const { code, text } of lines) {
      expect(text, code).toMatch(CJK);
      expect(text, code).not.toMatch(AJV);
      // No placeholder left unfilled, and no English beyond the quoted names and operators.
      expect(text, code).not.toMatch(/\{\w+\}/);
      expect(text.replace(/“[^”]*”/g, ''), code).not.toMatch(/[A-Za-z]{3,}/);
    }
  });

  it("names the field of a schema error by the form's label, in either language", () => {
    const zh = panel(schemaBrokenCrm(), 'zh');
    expect(line(zh, 'schema', '/name/en')).toBe('必须填写名称（英文）');
    expect(line(zh, 'schema', '/machine/states/won/type')).toBe('类型只能是以下之一：普通、终态');
    expect(line(zh, 'schema', '/machine/states/pool/colour')).toBe('“colour”不是可识别的字段');
    for (const { text } of zh) expect(text).not.toMatch(AJV);

    const en = panel(schemaBrokenCrm(), 'en');
    expect(line(en, 'schema', '/name/en')).toBe('Name (English) is required');
    expect(line(en, 'schema', '/machine/states/won/type')).toBe(
      'Kind must be one of: Normal, Final',
    );
    expect(line(en, 'schema', '/machine/states/pool/colour')).toBe('"colour" is not a known field');
    for (const { text } of en) expect(text).not.toMatch(AJV);
  });

  it("keeps the engine's English in English, with plain words for an action's bad params", () => {
    const policy = brokenCrm();
    const en = panel(policy, 'en');
    for (const p of validate(policy).problems.filter((p) => p.code !== 'invalid-params')) {
      expect(line(en, p.code, p.path)).toBe(p.message);
    }
    expect(line(en, 'invalid-params', '/machine/states/review/entry/0/params/message')).toBe(
      'Notify: Message is required',
    );
    for (const { text } of en) expect(text).not.toMatch(AJV);
  });
});

describe('a rule comparing a field with a value it cannot have', () => {
  /** CRM with a named rule asking for an industry the field does not offer. */
  function bankingCrm(): Policy {
    const policy = crm();
    policy.rules!['isBanking'] = { '==': [{ var: 'entity.industry' }, 'banking'] };
    return policy;
  }
  const path = '/rules/isBanking/==/1';

  it('lists the values the field allows as words in Chinese, not as JSON; English as it was', () => {
    expect(line(panel(bankingCrm(), 'zh'), 'rule-type-mismatch', path)).toBe(
      'entity.industry 永远不会等于这个值："banking" 不是它的可选值（“软件”、“制造”、“金融”、“贸易”、“零售”、“教育”、“其他”）',
    );
    expect(line(panel(bankingCrm(), 'en'), 'rule-type-mismatch', path)).toBe(
      'entity.industry can never equal or compare with this value: "banking" is not one of its values ("software", "manufacturing", "finance", "trade", "retail", "education", "other")',
    );
  });
});

describe('problem codes', () => {
  it('has Chinese for every code validate() can report', () => {
    for (const code of PROBLEM_CODES) {
      const template = PROBLEMS_ZH[code];
      expect(template, code).toBeDefined();
      if (code === 'schema') continue; // its words are its Ajv keyword's, below
      const text = typeof template === 'string' ? template : template({});
      expect(text, code).toMatch(CJK);
    }
    for (const [keyword, [, zh]] of Object.entries(SCHEMA_WORDS)) expect(zh, keyword).toMatch(CJK);
  });

  it('lists every code the engine source emits', () => {
    const src = join(import.meta.dirname, '..', '..', 'engine', 'src');
    const files = readdirSync(src).filter(
      (f) => /^validate.*\.ts$/.test(f) || ['audit.ts', 'json-schema.ts', 'routing.ts'].includes(f),
    );
    const emitted = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(src, file), 'utf8');
      // `code: 'no-exit'` in a problem literal, or the second argument of the checker's add().
      for (const m of text.matchAll(/code: '([a-z-]+)'|this\.add\(\s*[^,]+,\s*'([a-z-]+)'/g)) {
        emitted.add(m[1] ?? m[2]);
      }
    }
    expect(emitted.size).toBeGreaterThan(25);
    expect([...emitted].filter((c) => !(PROBLEM_CODES as readonly string[]).includes(c))).toEqual(
      [],
    );
  });
});

describe('the inspector’s own form errors', () => {
  /** The inline errors under the state form's fields, once rjsf has validated the blanked label. */
  async function inlineErrors(lang: Lang): Promise<string[]> {
    const policy = crm() as unknown as { machine: { states: Record<string, { meta: object }> } };
    policy.machine.states['review'].meta = { label: { zh: '主管审核' } };
    renderInspector(
      policy as unknown as Policy,
      { kind: 'state', name: 'review' },
      'general',
      lang,
    );
    const form = await screen.findByTestId('state-form');
    // rjsf validates on change: type into the Chinese label to make it run.
    const zh = [...form.querySelectorAll('input')].find((i) => i.value === '主管审核')!;
    fireEvent.change(zh, { target: { value: '主管审核。' } });
    return [...form.querySelectorAll('.error-detail li')].map((li) => li.textContent ?? '');
  }

  it('names the field in Chinese, not Ajv’s “must have required property”', async () => {
    const errors = await inlineErrors('zh');
    expect(errors.length).toBeGreaterThan(0);
    for (const text of errors) {
      expect(text).not.toMatch(AJV);
      expect(text).toMatch(CJK);
    }
    cleanup();
    expect(await inlineErrors('en')).toContain('Label (English) is required');
  });
});
