import { validate } from '@poolflow/engine';
import { describe, expect, it } from 'vitest';
import {
  builderOperators,
  collectVarPaths,
  hasIncompleteRule,
  logicToQuery,
  queryToLogic,
  ruleFields,
  simplifyLogic,
} from '../src/rules/logic-query.js';
import { crm } from './fixtures.js';

const policy = crm();
const roundTrip = (logic: unknown) => {
  const query = logicToQuery(logic, ruleFields(policy, logic));
  return query === null ? null : queryToLogic(query);
};

// The CRM quality and audit rules measure a note's length, compare the note with the previous one (a
// field against a field) and subtract times: the builder has none of these, so they open in the JSON editor.
const jsonOnly = new Set([
  'shortFollowUpNote',
  'repeatedFollowUpNote',
  'followUpRightAfterReminder',
]);

describe('rule builder <-> JSON-logic', () => {
  it.each(Object.entries(policy.rules ?? {}).filter(([name]) => !jsonOnly.has(name)))(
    'round-trips the CRM rule %s unchanged',
    (_name, rule) => {
      expect(roundTrip(rule)).toEqual(rule);
    },
  );

  it.each([...jsonOnly])('leaves the CRM rule %s to the JSON editor, never shown lossy', (name) => {
    const rule = policy.rules?.[name];
    expect(rule).toBeDefined();
    expect(roundTrip(rule)).toBeNull();
  });

  it('round-trips conditions the builder writes: and/or groups, negation, lists, ranges', () => {
    const rules = [
      {
        and: [
          { '>=': [{ var: 'instance.poolEntries' }, 3] },
          { '==': [{ var: 'entity.level' }, 'A'] },
        ],
      },
      {
        or: [
          { '<': [{ var: 'entity.urgency' }, 2] },
          { '!': { in: ['hard', { var: 'instance.tags' }] } },
        ],
      },
      { in: [{ var: 'entity.industry' }, ['software', 'finance']] },
      { '!': { '==': [{ var: 'entity.industry' }, 'trade'] } },
      { '<=': [1, { var: 'instance.claims' }, 5] },
    ];
    for (const rule of rules) expect(roundTrip(rule)).toEqual(rule);
  });

  it('shows references to named rules as conditions: the CRM claim eligibility', () => {
    const eligible = policy.claim?.eligible;
    expect(roundTrip(eligible)).toEqual(eligible);
    const query = logicToQuery(eligible, ruleFields(policy, eligible));
    expect(query?.rules[1]).toEqual({ field: '$rule', operator: '=', value: 'isSenior' });
  });

  it('builds the query the builder shows: fields typed from the entity schema', () => {
    const query = logicToQuery({ '>=': [{ var: 'entity.urgency' }, 3] }, ruleFields(policy));
    expect(query?.rules).toEqual([{ field: 'entity.urgency', operator: '>=', value: 3 }]);
    const urgency = ruleFields(policy).find((f) => f.name === 'entity.urgency');
    expect(urgency?.inputType).toBe('number');
    const industry = ruleFields(policy).find((f) => f.name === 'entity.industry');
    expect(industry?.valueEditorType).toBe('select');
  });

  it('falls back to raw JSON for what the builder cannot show', () => {
    // Arithmetic (the CRM score), truthiness of what is not a field, custom operators, bare values.
    expect(roundTrip(policy.score)).toBeNull();
    expect(roundTrip({ '!!': { '+': [{ var: 'entity.urgency' }, 1] } })).toBeNull();
    expect(roundTrip({ '!': [{ var: 'entity.phone' }] })).toBeNull();
    expect(roundTrip({ daysSince: [{ var: 'instance.lastActivityAt' }] })).toBeNull();
    expect(roundTrip(42)).toBeNull();
  });

  it('shows "is empty" and "is not empty" of a field: a lead without a phone (the demo routing)', () => {
    const noPhone = { '!': { var: 'entity.phone' } };
    const fields = ruleFields(policy, noPhone);
    expect(logicToQuery(noPhone, fields)?.rules).toEqual([
      { field: 'entity.phone', operator: 'empty', value: '' },
    ]);
    expect(roundTrip(noPhone)).toEqual(noPhone);
    const rules = [
      {
        and: [{ '!!': { var: 'entity.phone' } }, { '==': [{ var: 'entity.level' }, 'A'] }],
      },
      { or: [{ '!': { var: 'instance.tags' } }, { '!': { '!': { var: 'entity.name' } } }] },
    ];
    for (const rule of rules) expect(roundTrip(rule)).toEqual(rule);
    // Picked in the builder, it needs no value: the rule is complete and written.
    const picked = {
      combinator: 'and',
      rules: [{ field: 'entity.phone', operator: 'notEmpty', value: '' }],
    };
    expect(hasIncompleteRule(picked)).toBe(false);
    expect(queryToLogic(picked)).toEqual({ '!!': { var: 'entity.phone' } });
    // Offered on every field, lists too (an empty tag list), in both languages.
    for (const field of ruleFields(policy).filter((f) => f.name !== '$rule')) {
      const names = ((field.operators ?? builderOperators()) as { name: string }[]).map(
        (o) => o.name,
      );
      expect(names, field.name).toEqual(expect.arrayContaining(['empty', 'notEmpty']));
    }
    const zhLabel = (name: string) => builderOperators('zh').find((o) => o.name === name)?.label;
    expect(['null', 'notNull', 'empty', 'notEmpty'].map(zhLabel)).toEqual([
      '无值',
      '有值',
      '为空',
      '不为空',
    ]);
  });

  it('treats an empty builder as always true', () => {
    expect(queryToLogic({ combinator: 'and', rules: [] })).toBe(true);
    expect(logicToQuery(true, ruleFields(policy))).toEqual({ combinator: 'and', rules: [] });
  });

  it('drops the one-condition groups the builder adds around a rule', () => {
    expect(simplifyLogic({ and: [{ '==': [1, 1] }] })).toEqual({ '==': [1, 1] });
    expect(simplifyLogic({ '!': { or: [{ var: 'x' }] } })).toEqual({ '!': { var: 'x' } });
    expect([...collectVarPaths(policy.claim?.eligible)]).toEqual(['instance.tags']);
  });

  it('offers only operators whose rule the engine runs: no "begins with" (startsWith)', () => {
    // Each operator the builder lists, on each field, as the user would pick it.
    const sample = (operator: string, name: string): unknown => {
      if (operator === 'between' || operator === 'notBetween') return [1, 5];
      if (operator === 'in' || operator === 'notIn') return ['a', 'b'];
      return name.startsWith('instance.') ? 3 : 'A';
    };
    const refused: string[] = [];
    for (const field of ruleFields(policy)) {
      const operators = field.operators ?? builderOperators();
      for (const { name: operator } of operators as { name: string }[]) {
        const value = field.name === '$rule' ? 'isSenior' : sample(operator, field.name);
        const logic = queryToLogic({
          combinator: 'and',
          rules: [{ field: field.name, operator, value }],
        });
        const checked = { ...policy, rules: { ...policy.rules, picked: logic } };
        // Values are samples: only operators the engine does not know are the builder's fault.
        const problems = validate(checked).problems.filter(
          (p) => p.path.startsWith('/rules/picked') && p.code === 'unknown-operator',
        );
        if (problems.length > 0) refused.push(`${field.name} ${operator}: ${problems[0]?.message}`);
      }
    }
    expect(refused).toEqual([]);
    expect(builderOperators('zh').map((o) => o.label)).not.toContain('beginsWith');
    expect(builderOperators().map((o) => o.name)).toEqual(
      expect.arrayContaining(['=', '!=', '<', 'contains', 'null', 'in', 'between']),
    );
  });
});
