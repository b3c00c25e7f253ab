// One delay of the delays form: fixed from entry, or "N days before/after <another timer>" of the same state.
import type { Delay } from '@poolflow/engine';
import type { FieldProps, UiSchema } from '@rjsf/utils';
import { useI18n } from '../i18n/i18n.js';
import type { Lang } from '../i18n/messages.js';
import type { FormContext } from './rjsf-fields.js';

export type DelayMode = 'fixed' | 'before' | 'after';

const TEXT: Record<Lang, Record<'mode' | 'timer' | DelayMode, string>> = {
  en: {
    mode: 'Due',
    timer: 'Timer',
    fixed: 'after entering the state',
    before: 'before another timer',
    after: 'after another timer',
  },
  zh: {
    mode: '到期',
    timer: '定时器',
    fixed: '进入状态后',
    before: '在另一个定时器之前',
    after: '在另一个定时器之后',
  },
};

export function delayMode(delay: Delay | undefined): DelayMode {
  if (delay?.before !== undefined) return 'before';
  if (delay?.after !== undefined) return 'after';
  return 'fixed';
}

/**
 * The delay with another mode: the reference moves between `before` and `after`; a relative delay
 * counts from its reference, so `until` goes (a calendar stays: its amount is then working time).
 */
export function withMode(delay: Delay, mode: DelayMode, reference: string | undefined): Delay {
  const rest: Delay = { ...delay };
  delete rest.before;
  delete rest.after;
  if (mode === 'fixed' || reference === undefined) return rest;
  delete rest.until;
  return { ...rest, [mode]: reference };
}

function NoField() {
  return null;
}

export function DelayField(props: FieldProps) {
  const { lang } = useI18n();
  const text = TEXT[lang];
  const { policy } = props.registry.formContext as FormContext;
  const delay = (props.formData ?? {}) as Delay;
  const own = String(props.fieldPathId.path[props.fieldPathId.path.length - 1] ?? props.name);
  const others = Object.keys(policy.delays ?? {}).filter((name) => name !== own);
  const mode = delayMode(delay);
  const reference = delay.before ?? delay.after;
  const ObjectField = props.registry.fields['ObjectField'];
  const hidden = { 'ui:widget': 'hidden' };
  // The reference is edited by the selectors above; a relative delay has no until.
  const uiSchema: UiSchema = { ...props.uiSchema };
  delete uiSchema['ui:field']; // or ObjectField would render this field again
  Object.assign(uiSchema, {
    before: hidden,
    after: hidden,
    // `until` is a rule (no JSON type): a hidden widget cannot render it, an empty field can.
    ...(mode === 'fixed' ? {} : { until: { 'ui:field': NoField } }),
  });
  const change = (next: Delay) => props.onChange(next, props.fieldPathId.path);
  const testId = `delay-${own}`;
  return (
    <div className="delay-field">
      <div className="delay-mode">
        <label>
          <span>{text.mode}</span>
          <select
            data-testid={`${testId}-mode`}
            value={mode}
            onChange={(e) => {
              const next = e.target.value as DelayMode;
              change(withMode(delay, next, reference ?? others[0]));
            }}
          >
            <option value="fixed">{text.fixed}</option>
            <option value="before" disabled={others.length === 0}>
              {text.before}
            </option>
            <option value="after" disabled={others.length === 0}>
              {text.after}
            </option>
          </select>
        </label>
        {mode !== 'fixed' && (
          <label>
            <span>{text.timer}</span>
            <select
              data-testid={`${testId}-reference`}
              value={reference}
              onChange={(e) => change(withMode(delay, mode, e.target.value))}
            >
              {reference !== undefined && !others.includes(reference) && (
                <option value={reference}>{reference}</option>
              )}
              {others.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {ObjectField && <ObjectField {...props} uiSchema={uiSchema} />}
    </div>
  );
}
