// A list of actions (entry, exit or transition actions); each action's params form comes from the
// params schema its type declares in the registry.
import type { Policy, StateNode } from '@poolflow/engine';

type Actions = NonNullable<StateNode['entry']>;
import { useState } from 'react';
import { actionHelp, actionTypeLabel } from '../i18n/editor-messages.js';
import { useI18n } from '../i18n/i18n.js';
import { useActionTypes } from './action-types.js';
import { actionParamsForm } from './form-schemas.js';
import { SchemaForm } from './schema-form.js';

interface ActionItem {
  type: string;
  params?: Record<string, unknown>;
}

export function actionList(value: Actions | undefined): ActionItem[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((a) =>
    typeof a === 'string' ? { type: a } : a,
  );
}

export function ActionsEditor(props: {
  value: Actions | undefined;
  onChange: (value: Actions | undefined) => void;
  policy: Policy;
  testId: string;
}) {
  const { t, lang } = useI18n();
  const types = useActionTypes();
  const list = actionList(props.value);
  const [adding, setAdding] = useState(types[0]?.type ?? 'notify');
  const write = (next: ActionItem[]) => props.onChange(next.length === 0 ? undefined : next);

  return (
    <div className="actions-editor" data-testid={props.testId}>
      {list.map((action, i) => {
        const def = types.find((d) => d.type === action.type);
        return (
          <div
            className="action-card"
            key={`${i}-${action.type}`}
            data-testid={`${props.testId}-${i}`}
          >
            <div className="action-head">
              <select
                value={action.type}
                aria-label={t('actionType')}
                onChange={(e) =>
                  write(list.map((a, j) => (j === i ? { type: e.target.value, params: {} } : a)))
                }
              >
                {!def && <option value={action.type}>{action.type}</option>}
                {types.map((d) => (
                  <option key={d.type} value={d.type}>
                    {actionTypeLabel(d.type, lang)}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="btn small ghost"
                onClick={() => write(list.filter((_, j) => j !== i))}
              >
                {t('remove')}
              </button>
            </div>
            {def && actionHelp(def.type, def.description, lang) && (
              <p className="hint">{actionHelp(def.type, def.description, lang)}</p>
            )}
            {def && (
              <SchemaForm
                spec={actionParamsForm(def.paramsSchema)}
                value={action.params ?? {}}
                policy={props.policy}
                testId={`${props.testId}-${i}-params`}
                onChange={(params) =>
                  write(list.map((a, j) => (j === i ? { ...a, params: params } : a)))
                }
              />
            )}
          </div>
        );
      })}
      <div className="inline-form">
        <select
          value={adding}
          aria-label={t('newActionType')}
          onChange={(e) => setAdding(e.target.value)}
        >
          {types.map((d) => (
            <option key={d.type} value={d.type}>
              {actionTypeLabel(d.type, lang)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn small"
          data-testid={`${props.testId}-add`}
          onClick={() => write([...list, { type: adding, params: {} }])}
        >
          {t('addAction')}
        </button>
      </div>
    </div>
  );
}
