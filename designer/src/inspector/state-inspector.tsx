// The selected state: id (rename), labels, pool/final kind, entry/exit actions, its transitions.
import type { Policy, StateNode } from '@poolflow/engine';
import { useMemo } from 'react';
import {
  deleteState,
  isValidStateName,
  renameState,
  setInitialState,
  updateState,
} from '../canvas/policy-graph.js';
import type { Selection } from '../canvas/selection.js';
import { withoutTransitions } from '../canvas/transition-ref.js';
import { useI18n } from '../i18n/i18n.js';
import { ActionsEditor } from './actions-editor.js';
import { AddTransitionForm } from './add-transition-form.js';
import { stateForm } from './form-schemas.js';
import { NameInput } from './name-input.js';
import { SchemaForm } from './schema-form.js';
import { TransitionList } from './transition-list.js';

export function StateInspector(props: {
  policy: Policy;
  name: string;
  onChange: (policy: Policy, key?: string) => void;
  onSelect: (selection: Selection | null) => void;
}) {
  const { policy, name, onChange, onSelect } = props;
  const { t } = useI18n();
  const node = policy.machine.states[name];
  const spec = useMemo(() => stateForm(), []);
  const { entry, exit } = node;
  const body = withoutTransitions(node);
  delete body.entry;
  delete body.exit;
  const setNode = (next: StateNode, key: string) =>
    onChange(updateState(policy, name, next), `${name}:${key}`);
  const setActions = (which: 'entry' | 'exit', value: StateNode['entry']) => {
    const next = { ...node };
    if (value === undefined) delete next[which];
    else next[which] = value;
    setNode(next, which);
  };

  return (
    <div className="inspector-body" data-testid="state-inspector">
      <h3>
        {t('state')} <code>{name}</code>
      </h3>
      <NameInput
        label={t('stateName')}
        hint={t('renameHint')}
        value={name}
        isValid={(v) => v === name || (isValidStateName(v) && !(v in policy.machine.states))}
        testId="state-name-input"
        onCommit={(next) => {
          onChange(renameState(policy, name, next));
          onSelect({ kind: 'state', name: next });
        }}
      />
      <div className="row">
        {policy.machine.initial === name ? (
          <span className="chip initial">{t('initialState')}</span>
        ) : (
          <button
            type="button"
            className="btn small"
            onClick={() => onChange(setInitialState(policy, name))}
          >
            {t('makeInitial')}
          </button>
        )}
      </div>
      <SchemaForm
        key={name}
        spec={spec}
        value={body}
        policy={policy}
        testId="state-form"
        onChange={(v) =>
          setNode({ ...v, ...pick(node, ['on', 'after', 'always', 'entry', 'exit']) }, 'form')
        }
      />
      <h4>{t('entryActions')}</h4>
      <ActionsEditor
        value={entry}
        policy={policy}
        testId="entry-actions"
        onChange={(v) => setActions('entry', v)}
      />
      <h4>{t('exitActions')}</h4>
      <ActionsEditor
        value={exit}
        policy={policy}
        testId="exit-actions"
        onChange={(v) => setActions('exit', v)}
      />
      <h4>{t('transitions')}</h4>
      <TransitionList policy={policy} source={name} onSelect={onSelect} />
      <AddTransitionForm
        policy={policy}
        source={name}
        onAdded={(next, id) => {
          onChange(next);
          onSelect({ kind: 'transition', id });
        }}
      />
      <button
        type="button"
        className="btn danger"
        data-testid="delete-state"
        disabled={Object.keys(policy.machine.states).length <= 1}
        onClick={() => {
          onChange(deleteState(policy, name));
          onSelect(null);
        }}
      >
        {t('deleteState')}
      </button>
    </div>
  );
}

function pick(node: StateNode, keys: (keyof StateNode)[]): Partial<StateNode> {
  const out: Partial<StateNode> = {};
  for (const k of keys) if (node[k] !== undefined) (out as Record<string, unknown>)[k] = node[k];
  return out;
}
