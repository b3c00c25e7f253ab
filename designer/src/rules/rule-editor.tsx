// Edits a JSON-logic rule visually (react-querybuilder) or as raw JSON when the builder cannot show it.
import { useMemo, useRef, useState } from 'react';
import { QueryBuilder, type RuleGroupType } from 'react-querybuilder';
import { useI18n } from '../i18n/i18n.js';
import {
  builderOperators,
  hasIncompleteRule,
  logicToQuery,
  queryToLogic,
  ruleFields,
  sameJson,
  type RuleScope,
} from './logic-query.js';
import { RawJsonEditor } from './raw-json-editor.js';

const ZH = {
  translations: {
    addRule: { label: '+ 条件', title: '添加条件' },
    addGroup: { label: '+ 条件组', title: '添加条件组' },
    removeRule: { label: '⨯', title: '删除条件' },
    removeGroup: { label: '⨯', title: '删除条件组' },
    notToggle: { label: '非', title: '取反' },
    fields: { title: '字段' },
    operators: { title: '运算符' },
    value: { title: '值' },
    combinators: { title: '组合方式' },
  },
  accessibleDescriptionGenerator: ({ path }: { path: number[] }) =>
    path.length === 0 ? '条件' : `条件组 ${path.join('-')}`,
  combinators: [
    { name: 'and', label: '并且' },
    { name: 'or', label: '或者' },
  ],
};

export interface RuleEditorProps {
  value: unknown;
  onChange: (value: unknown) => void;
  policy: RuleScope;
  testId?: string;
}

export function RuleEditor({ value, onChange, policy, testId }: RuleEditorProps) {
  const { t, lang } = useI18n();
  const fields = useMemo(() => ruleFields(policy, value, lang), [policy, value, lang]);
  const operators = useMemo(() => builderOperators(lang), [lang]);
  const parsed = useMemo(() => logicToQuery(value, fields), [value, fields]);
  const [mode, setMode] = useState<'builder' | 'json'>(parsed ? 'builder' : 'json');
  const [query, setQuery] = useState<RuleGroupType | null>(parsed);
  const emitted = useRef<unknown>(value);
  // The value changed from outside (undo, another form): show it afresh.
  if (!sameJson(emitted.current, value)) {
    emitted.current = value;
    setQuery(parsed);
  }

  const onQueryChange = (next: RuleGroupType) => {
    setQuery(next);
    // A half-typed condition is shown, not written: the policy keeps its last complete rule.
    if (hasIncompleteRule(next)) return;
    const logic = queryToLogic(next);
    emitted.current = logic;
    onChange(logic);
  };

  const builderOk = mode === 'builder' && query !== null;
  return (
    <div className="rule-editor" data-testid={testId}>
      <div className="segmented">
        <button
          type="button"
          className={builderOk ? 'active' : ''}
          disabled={!parsed}
          onClick={() => setMode('builder')}
        >
          {t('builder')}
        </button>
        <button
          type="button"
          className={builderOk ? '' : 'active'}
          onClick={() => setMode('json')}
          data-testid={testId ? `${testId}-json-mode` : undefined}
        >
          {t('rawJson')}
        </button>
      </div>
      {!parsed && <p className="hint">{t('builderUnsupported')}</p>}
      {builderOk && query && hasIncompleteRule(query) && (
        <p className="hint" data-testid={testId ? `${testId}-incomplete` : undefined}>
          {t('ruleIncomplete')}
        </p>
      )}
      {builderOk ? (
        <QueryBuilder
          fields={fields}
          operators={operators}
          query={query}
          onQueryChange={onQueryChange}
          parseNumbers="strict-limited"
          enableMountQueryChange={false}
          // A negated group (`{"!": {...}}`) shows, and can be set, as such: without the toggle it read
          // as the condition it negates.
          showNotToggle
          {...(lang === 'zh' ? ZH : {})}
          controlClassnames={{ queryBuilder: 'qb-compact' }}
        />
      ) : (
        <RawJsonEditor
          value={value}
          onChange={onChange}
          {...(testId ? { testId: `${testId}-json` } : {})}
        />
      )}
    </div>
  );
}
