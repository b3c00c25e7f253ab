// The routing page's ordered lists: one card per rule with its name, move up/down and remove, the
// rule built with the policy's rule builder, and the fields of its kind (target pool and triggers, or
// the refusal message); each field shows the runtime's error for it.
import type { ReactNode } from 'react';
import type { LocalizedText } from '../api/api.types.js';
import type { Rule } from '../api/routing.api.js';
import { useI18n } from '../i18n/i18n.js';
import { RuleEditor } from '../rules/rule-editor.js';
import type { RuleScope } from '../rules/logic-query.js';
import {
  moveRow,
  ruleOf,
  TRIGGERS,
  type AdmissionRow,
  type FieldErrors,
  type RowList,
  type RuleRow,
} from './routing-model.js';

/** The runtime's bounds (routing.schema.json): the inputs stop there instead of a refused save. */
const RULE_NAME_MAX = 64;
const ROUTING_MESSAGE_MAX = 200;

/** A field with its label and the error the runtime gave for it. */
function Field(props: {
  label: string;
  error: string | undefined;
  testId: string;
  children: ReactNode;
}) {
  return (
    <div className={props.error ? 'routing-field has-error' : 'routing-field'}>
      <span className="routing-label">{props.label}</span>
      {props.children}
      {props.error && (
        <div className="error-text" data-testid={`${props.testId}-error`}>
          {props.error}
        </div>
      )}
    </div>
  );
}

interface RowBase {
  id: number;
  name: string;
  when: Rule;
}

/** What a row's own fields need: their test id prefix, their errors, and a patch of the row. */
interface RowContext<T> {
  id: string;
  error: (field: string) => string | undefined;
  patch: (change: Partial<Omit<T, 'id'>>) => void;
}

interface ListProps<T extends RowBase> {
  list: RowList;
  rows: T[];
  errors: FieldErrors;
  scope: RuleScope;
  onChange: (rows: T[]) => void;
  /** The fields of this kind of rule: beside its name (short ones) or below its condition. */
  body: (row: T, at: RowContext<T>) => ReactNode;
  bodyAt: 'head' | 'below';
}

function RowCards<T extends RowBase>(props: ListProps<T>) {
  const { t } = useI18n();
  const { rows, list } = props;
  const patchRow = (index: number) => (change: Partial<Omit<T, 'id'>>) =>
    props.onChange(rows.map((r, i) => (i === index ? { ...r, ...change } : r)));
  const patchBase = (index: number, change: Partial<Omit<RowBase, 'id'>>) =>
    props.onChange(rows.map((r, i) => (i === index ? { ...r, ...change } : r)));
  return (
    <ol className="routing-rows" data-testid={`routing-${list}`}>
      {rows.map((row, index) => {
        const id = `routing-${list}-${index}`;
        const error = (field: string) => props.errors.fields[`${row.id}/${field}`];
        const fields = props.body(row, { id, error, patch: patchRow(index) });
        return (
          <li key={row.id} className="card routing-row" data-testid={id}>
            <div className="routing-row-head">
              <span className="badge">{index + 1}</span>
              <Field label={t('routingRuleName')} error={error('name')} testId={`${id}-name`}>
                <input
                  value={row.name}
                  maxLength={RULE_NAME_MAX}
                  data-testid={`${id}-name`}
                  onChange={(e) => patchBase(index, { name: e.target.value })}
                />
              </Field>
              {props.bodyAt === 'head' && fields}
              <div className="routing-row-tools">
                <button
                  type="button"
                  className="btn small"
                  title={t('routingMoveUp')}
                  aria-label={t('routingMoveUp')}
                  disabled={index === 0}
                  data-testid={`${id}-up`}
                  onClick={() => props.onChange(moveRow(rows, index, -1))}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="btn small"
                  title={t('routingMoveDown')}
                  aria-label={t('routingMoveDown')}
                  disabled={index === rows.length - 1}
                  data-testid={`${id}-down`}
                  onClick={() => props.onChange(moveRow(rows, index, 1))}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="btn small danger"
                  data-testid={`${id}-remove`}
                  onClick={() => props.onChange(rows.filter((_, i) => i !== index))}
                >
                  {t('adminRemove')}
                </button>
              </div>
            </div>
            <Field label={t('routingRuleWhen')} error={error('when')} testId={`${id}-when`}>
              <RuleEditor
                value={row.when}
                policy={props.scope}
                testId={`${id}-when`}
                onChange={(when) => patchBase(index, { when: ruleOf(when) })}
              />
            </Field>
            {props.bodyAt === 'below' && fields}
          </li>
        );
      })}
    </ol>
  );
}

export interface TargetPool {
  key: string;
  name: LocalizedText;
}

export function RoutingRuleRows(props: {
  rows: RuleRow[];
  errors: FieldErrors;
  scope: RuleScope;
  targets: TargetPool[];
  onChange: (rows: RuleRow[]) => void;
}) {
  const { t, text } = useI18n();
  return (
    <RowCards<RuleRow>
      list="rules"
      bodyAt="head"
      {...props}
      body={(row, { id, error, patch }) => {
        // A saved target no longer offered (moved to another department) stays visible.
        const known = props.targets.some((p) => p.key === row.pool) || row.pool === '';
        return (
          <div className="routing-row-fields">
            <Field label={t('routingTarget')} error={error('pool')} testId={`${id}-pool`}>
              <select
                value={row.pool}
                data-testid={`${id}-pool`}
                onChange={(e) => patch({ pool: e.target.value })}
              >
                <option value="">{t('routingTargetNone')}</option>
                {!known && <option value={row.pool}>{row.pool}</option>}
                {props.targets.map((p) => (
                  <option key={p.key} value={p.key}>
                    {text(p.name, p.key)} ({p.key})
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('routingOn')} error={error('on')} testId={`${id}-on`}>
              <span className="routing-triggers" title={t('routingOnHint')}>
                {TRIGGERS.map((trigger) => (
                  <label key={trigger} className="check">
                    <input
                      type="checkbox"
                      checked={row.on.includes(trigger)}
                      data-testid={`${id}-on-${trigger}`}
                      onChange={(e) =>
                        patch({
                          on: e.target.checked
                            ? TRIGGERS.filter((x) => x === trigger || row.on.includes(x))
                            : row.on.filter((x) => x !== trigger),
                        })
                      }
                    />
                    {t(`routingOn_${trigger}`)}
                  </label>
                ))}
              </span>
            </Field>
          </div>
        );
      }}
    />
  );
}

export function AdmissionRows(props: {
  rows: AdmissionRow[];
  errors: FieldErrors;
  scope: RuleScope;
  onChange: (rows: AdmissionRow[]) => void;
}) {
  const { t } = useI18n();
  return (
    <RowCards<AdmissionRow>
      list="admission"
      bodyAt="below"
      {...props}
      body={(row, { id, error, patch }) => {
        // An emptied Chinese message is left out: English is shown instead.
        const setMessage = (lang: 'en' | 'zh', value: string) => {
          const { zh, ...rest } =
            lang === 'en' ? { ...row.message, en: value } : { ...row.message, zh: value };
          patch({ message: zh ? { ...rest, zh } : rest });
        };
        return (
          <div className="routing-row-fields">
            {(['en', 'zh'] as const).map((lang) => (
              <Field
                key={lang}
                label={t(lang === 'en' ? 'routingMessageEn' : 'routingMessageZh')}
                // The runtime names message/en; an error on either shows under English.
                error={lang === 'en' ? error('message') : undefined}
                testId={`${id}-message`}
              >
                <input
                  value={row.message[lang] ?? ''}
                  maxLength={ROUTING_MESSAGE_MAX}
                  data-testid={`${id}-message-${lang}`}
                  onChange={(e) => setMessage(lang, e.target.value)}
                />
              </Field>
            ))}
          </div>
        );
      }}
    />
  );
}
