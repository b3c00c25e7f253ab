// A transition's guard: none, a named rule from the policy's rules, or an inline condition.
import type { Policy, Transition } from '@poolflow/engine';

type Guard = Exclude<Transition['guard'], undefined>;
import { useI18n } from '../i18n/i18n.js';
import { RuleEditor } from '../rules/rule-editor.js';

type Mode = 'none' | 'named' | 'inline';

export function guardMode(guard: Guard | undefined): { mode: Mode; rule?: string } {
  if (guard === undefined) return { mode: 'none' };
  if (typeof guard === 'string') return { mode: 'named', rule: guard };
  if (guard && typeof guard === 'object' && !Array.isArray(guard) && guard['type'] === 'rule') {
    return { mode: 'named', rule: (guard as { params: { rule: string } }).params.rule };
  }
  return { mode: 'inline' };
}

export function GuardEditor(props: {
  value: Guard | undefined;
  policy: Policy;
  onChange: (guard: Guard | undefined) => void;
}) {
  const { t } = useI18n();
  const { mode, rule } = guardMode(props.value);
  const rules = Object.keys(props.policy.rules ?? {});
  const setMode = (next: Mode) => {
    if (next === 'none') props.onChange(undefined);
    if (next === 'named') props.onChange(rules[0] ?? '');
    if (next === 'inline') props.onChange({ '==': [{ var: 'instance.poolEntries' }, 0] });
  };
  return (
    <div className="guard-editor" data-testid="guard-editor">
      <select
        value={mode}
        aria-label={t('guard')}
        onChange={(e) => setMode(e.target.value as Mode)}
      >
        <option value="none">{t('noGuard')}</option>
        <option value="named">{t('namedRule')}</option>
        <option value="inline">{t('inlineRule')}</option>
      </select>
      {mode === 'named' && (
        <select
          value={rule}
          aria-label={t('namedRule')}
          onChange={(e) => props.onChange(e.target.value)}
        >
          {rule !== undefined && !rules.includes(rule) && <option value={rule}>{rule}</option>}
          {rules.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      )}
      {mode === 'inline' && (
        <RuleEditor
          value={props.value}
          policy={props.policy}
          testId="guard-rule"
          onChange={(v) => props.onChange(v as Guard)}
        />
      )}
    </div>
  );
}
