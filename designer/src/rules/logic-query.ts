// JSON-logic <-> react-querybuilder query, with a check that the builder can show a rule losslessly.
import type { Policy } from '@poolflow/engine';
import { defaultOperators, type Field, type RuleGroupType } from 'react-querybuilder';
import { defaultRuleProcessorJsonLogic, formatQuery } from 'react-querybuilder/formatQuery';
import { parseJsonLogic } from 'react-querybuilder/parseJsonLogic';
import { fieldLabelOf, valueLabel } from '../workspace/field-labels.js';

const INSTANCE_FIELDS: {
  name: string;
  label: string;
  zh: string;
  kind: 'number' | 'text' | 'list';
}[] = [
  { name: 'instance.poolEntries', label: 'Pool entries', zh: '进入公海次数', kind: 'number' },
  { name: 'instance.claims', label: 'Claims', zh: '被领取次数', kind: 'number' },
  { name: 'instance.tags', label: 'Tags', zh: '标签', kind: 'list' },
  { name: 'instance.ownerId', label: 'Owner', zh: '负责人', kind: 'text' },
  { name: 'instance.previousOwnerIds', label: 'Previous owners', zh: '原负责人', kind: 'list' },
  { name: 'instance.claimedBy', label: 'Claimed by', zh: '领取过的人', kind: 'list' },
  { name: 'instance.createdAt', label: 'Created at (ms)', zh: '创建时间（毫秒）', kind: 'number' },
  {
    name: 'instance.lastActivityAt',
    label: 'Last activity (ms)',
    zh: '最近活动（毫秒）',
    kind: 'number',
  },
  {
    name: 'instance.enteredStateAt',
    label: 'Entered state (ms)',
    zh: '进入状态时间（毫秒）',
    kind: 'number',
  },
];

/** Operator labels in Chinese (symbols stay as they are). */
const ZH_OPERATORS: Record<string, string> = {
  contains: '包含',
  doesNotContain: '不包含',
  null: '无值',
  notNull: '有值',
  in: '属于',
  notIn: '不属于',
  between: '介于',
  notBetween: '不介于',
  holds: '成立',
};

/**
 * react-querybuilder writes "begins with" and "ends with" (and their negations) as `startsWith` and
 * `endsWith`, which are not JSON-logic: the engine refuses them (unknown-operator), so picking one
 * left a problem the builder could not fix. The builder offers only operators the engine runs.
 */
const UNSUPPORTED = new Set(['beginsWith', 'doesNotBeginWith', 'endsWith', 'doesNotEndWith']);

/**
 * "Is empty" and "is not empty": JSON-logic's `{"!": {"var": f}}` and `{"!!": {"var": f}}`, true of a
 * field that is missing, null, blank text ("") or 0 (and the reverse). What a routing rule means by "a
 * lead without a phone"; react-querybuilder's "is null" (`==` null) misses "" and cannot show them.
 */
const EMPTY = 'empty';
const NOT_EMPTY = 'notEmpty';

function emptyOperators(zh: boolean): { name: string; label: string; arity: 'unary' }[] {
  return [
    { name: EMPTY, label: zh ? '为空' : 'is empty', arity: 'unary' },
    { name: NOT_EMPTY, label: zh ? '不为空' : 'is not empty', arity: 'unary' },
  ];
}

/** The operators the builder offers for fields without their own list, labelled in the language. */
export function builderOperators(
  lang: 'en' | 'zh' = 'en',
): { name: string; label: string; arity?: 'unary' }[] {
  const zh = lang === 'zh';
  return [
    ...defaultOperators
      .filter((o) => !UNSUPPORTED.has(o.name))
      .map((o) => ({ name: o.name, label: zh ? (ZH_OPERATORS[o.name] ?? o.label) : o.label })),
    ...emptyOperators(zh),
  ];
}

const listOperators = (zh: boolean) => [
  { name: 'contains', label: zh ? '包含' : 'contains' },
  { name: 'doesNotContain', label: zh ? '不包含' : 'does not contain' },
  ...emptyOperators(zh),
];

/** The pseudo-field for `{"rule": name}`: a named rule of the policy holds. */
export const NAMED_RULE_FIELD = '$rule';

/** Every `var` path a rule reads, so rules over fields the builder does not list still parse. */
export function collectVarPaths(logic: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(logic)) logic.forEach((item) => collectVarPaths(item, out));
  else if (logic && typeof logic === 'object') {
    for (const [op, args] of Object.entries(logic)) {
      const path: unknown = op === 'var' ? (Array.isArray(args) ? args[0] : args) : undefined;
      if (typeof path === 'string' && path !== '') out.add(path);
      collectVarPaths(args, out);
    }
  }
  return out;
}

/** What the builder reads of a policy: its entity fields and named rules (a pool's routing has both). */
export type RuleScope = Pick<Policy, 'entity' | 'rules'>;

/** Fields the builder offers: entity fields (typed from the schema), instance fields, rule vars. */
export function ruleFields(policy: RuleScope, logic?: unknown, lang: 'en' | 'zh' = 'en'): Field[] {
  const fields: Field[] = [];
  for (const [name, schema] of Object.entries(policy.entity.schema.properties)) {
    const type = schema['type'];
    const values = Array.isArray(schema['enum']) ? (schema['enum'] as unknown[]) : undefined;
    const field: Field = {
      name: `entity.${name}`,
      label:
        lang === 'zh'
          ? `记录·${fieldLabelOf(name, schema, lang)}`
          : `entity.${typeof schema['title'] === 'string' ? schema['title'] : name}`,
    };
    if (type === 'integer' || type === 'number') field.inputType = 'number';
    if (type === 'boolean') field.valueEditorType = 'checkbox';
    if (values) {
      field.valueEditorType = 'select';
      field.values = values.map((v) => ({ name: String(v), label: valueLabel(v, lang) }));
    }
    fields.push(field);
  }
  for (const f of INSTANCE_FIELDS) {
    const field: Field = {
      name: f.name,
      label: lang === 'zh' ? `实例·${f.zh}` : `instance.${f.label}`,
    };
    if (f.kind === 'number') field.inputType = 'number';
    if (f.kind === 'list') field.operators = listOperators(lang === 'zh');
    fields.push(field);
  }
  const names = Object.keys(policy.rules ?? {});
  if (names.length > 0) {
    fields.push({
      name: NAMED_RULE_FIELD,
      label: lang === 'zh' ? '命名规则' : 'rule (named)',
      valueEditorType: 'select',
      values: names.map((n) => ({ name: n, label: n })),
      operators: [{ name: '=', label: lang === 'zh' ? '成立' : 'holds' }],
    });
  }
  for (const path of collectVarPaths(logic)) {
    if (!fields.some((f) => f.name === path)) fields.push({ name: path, label: path });
  }
  return fields;
}

/** Unwraps one-element and/or groups, which the builder adds around single conditions. */
export function simplifyLogic(logic: unknown): unknown {
  if (Array.isArray(logic)) return logic.map(simplifyLogic);
  if (!logic || typeof logic !== 'object') return logic;
  const entries = Object.entries(logic);
  if (entries.length !== 1) return logic;
  const [op, args] = entries[0] as [string, unknown];
  if ((op === 'and' || op === 'or') && Array.isArray(args) && args.length === 1) {
    return simplifyLogic(args[0]);
  }
  return { [op]: simplifyLogic(args) };
}

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  // Keys holding undefined are absent in JSON.
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson(ra[k], rb[k]));
}

/**
 * Whether a condition of the query is not filled in enough to be written: react-querybuilder drops
 * such a condition from its JSON-logic ("between" with one value yet), which turned a rule of that
 * one condition into `false`, a rule that never holds and that the builder cannot show.
 */
export function hasIncompleteRule(query: RuleGroupType): boolean {
  return query.rules.some((rule) => {
    if (typeof rule === 'string') return false;
    if ('rules' in rule) return hasIncompleteRule(rule);
    return formatLogic({ combinator: 'and', rules: [rule] }) === false;
  });
}

/** A query as JSON-logic: a named rule as `{"rule": name}`, "is (not) empty" as `!` (`!!`) of the field. */
function formatLogic(query: RuleGroupType): unknown {
  return formatQuery(query, {
    format: 'jsonlogic',
    ruleProcessor: (rule, options): unknown => {
      if (rule.field === NAMED_RULE_FIELD) return { rule: rule.value as unknown };
      if (rule.operator === EMPTY) return { '!': { var: rule.field } };
      if (rule.operator === NOT_EMPTY) return { '!!': { var: rule.field } };
      return defaultRuleProcessorJsonLogic(rule, options) as unknown;
    },
  });
}

export function queryToLogic(query: RuleGroupType): unknown {
  if (query.rules.length === 0) return true;
  return simplifyLogic(formatLogic(query));
}

/** An object's one operator and its argument, when it has exactly one key. */
function onlyOperator(logic: unknown): [string, unknown] | undefined {
  if (!logic || typeof logic !== 'object' || Array.isArray(logic)) return undefined;
  const entries = Object.entries(logic as Record<string, unknown>);
  return entries.length === 1 ? entries[0] : undefined;
}

/** A field's path when `logic` is `{"var": path}`, else undefined. */
function varPath(logic: unknown): string | undefined {
  const [op, path] = onlyOperator(logic) ?? [];
  return op === 'var' && typeof path === 'string' && path !== '' ? path : undefined;
}

// Stand-ins the parser reads as "is (not) empty" conditions: its own `!` would read `{"!": {"var": f}}`
// as a negated group it cannot fill.
const EMPTY_OP = '$poolflow.empty';
const NOT_EMPTY_OP = '$poolflow.notEmpty';

/**
 * `logic` with each `!` / `!!` of a bare field replaced by the parser's stand-ins (the forms the builder
 * writes; `{"!": [{"var": f}]}` and `{"var": [f]}` stay, and so open as raw JSON: shown, never rewritten).
 */
function markEmptyTests(logic: unknown): unknown {
  if (Array.isArray(logic)) return logic.map(markEmptyTests);
  if (!logic || typeof logic !== 'object') return logic;
  const [op, arg] = onlyOperator(logic) ?? [];
  const path = op === '!' || op === '!!' ? varPath(arg) : undefined;
  if (path !== undefined) return { [op === '!' ? EMPTY_OP : NOT_EMPTY_OP]: path };
  return Object.fromEntries(
    Object.entries(logic as Record<string, unknown>).map(([key, value]) => [
      key,
      markEmptyTests(value),
    ]),
  );
}

/** The builder's query for a rule, or null when the builder cannot show it without loss. */
export function logicToQuery(logic: unknown, fields: Field[]): RuleGroupType | null {
  if (logic === undefined || logic === true) return { combinator: 'and', rules: [] };
  if (!logic || typeof logic !== 'object' || Array.isArray(logic)) return null;
  let query: RuleGroupType;
  try {
    const options = {
      fields,
      jsonLogicOperations: {
        rule: (value: unknown) => ({
          field: NAMED_RULE_FIELD,
          operator: '=',
          value: Array.isArray(value) ? (value[0] as unknown) : value,
        }),
        [EMPTY_OP]: (field: string) => ({ field, operator: EMPTY, value: '' }),
        [NOT_EMPTY_OP]: (field: string) => ({ field, operator: NOT_EMPTY, value: '' }),
      },
    } as unknown as Parameters<typeof parseJsonLogic>[1];
    query = parseJsonLogic(
      markEmptyTests(logic) as Parameters<typeof parseJsonLogic>[0],
      options,
    ) as unknown as RuleGroupType;
  } catch {
    return null;
  }
  return sameJson(queryToLogic(query), simplifyLogic(logic)) ? query : null;
}
