// The selected transition: trigger (event or timer), target, guard, actions, event payload fields.
import type { Policy, Transition } from '@poolflow/engine';
import { useMemo } from 'react';
import { timerLabel } from '../canvas/edge-label.js';
import {
  deleteTransition,
  isValidEventName,
  moveTransition,
  stateLabel,
  updateTransition,
} from '../canvas/policy-graph.js';
import type { Selection } from '../canvas/selection.js';
import {
  getTransition,
  transitionId,
  type TransitionKind,
  type TransitionRef,
} from '../canvas/transition-ref.js';
import { useI18n } from '../i18n/i18n.js';
import { ActionsEditor } from './actions-editor.js';
import { eventForm, hasLabel, transitionForm, withoutEmptyLabel } from './form-schemas.js';
import { GuardEditor } from './guard-editor.js';
import { NameInput } from './name-input.js';
import { SchemaForm } from './schema-form.js';

type EventDefinition = NonNullable<Policy['events']>[string];

export function TransitionInspector(props: {
  policy: Policy;
  refTo: TransitionRef;
  onChange: (policy: Policy, key?: string) => void;
  onSelect: (selection: Selection | null) => void;
}) {
  const { policy, refTo: ref, onChange, onSelect } = props;
  const { t, lang } = useI18n();
  const transition = getTransition(policy, ref) as Transition;
  const statesKey = Object.keys(policy.machine.states).join(',');
  const spec = useMemo(() => transitionForm(statesKey.split(',')), [statesKey]);
  const id = transitionId(ref);
  const delays = Object.keys(policy.delays ?? {});

  const set = (patch: { [K in keyof Transition]?: Transition[K] | undefined }, key: string) => {
    const next = { ...transition, ...patch } as Transition;
    for (const k of Object.keys(next) as (keyof Transition)[])
      if (next[k] === undefined) delete next[k];
    onChange(updateTransition(policy, ref, next), `${id}:${key}`);
  };
  const move = (kind: TransitionKind, key: string) => {
    const moved = moveTransition(policy, ref, kind, key);
    onChange(moved.policy);
    onSelect({ kind: 'transition', id: transitionId(moved.ref) });
  };

  return (
    <div className="inspector-body" data-testid="transition-inspector">
      <h3>
        {t('transition')}{' '}
        <span className="muted">
          {stateLabel(policy, ref.source, lang)} →{' '}
          {transition.target ? stateLabel(policy, transition.target, lang) : t('stay')}
        </span>
      </h3>
      <label className="field">
        <span>{t('trigger')}</span>
        <select
          value={ref.kind}
          data-testid="transition-kind"
          onChange={(e) => {
            const kind = e.target.value as TransitionKind;
            if (kind === 'on') move('on', 'NEW_EVENT');
            if (kind === 'after') move('after', delays[0] ?? 'delay');
            if (kind === 'always') move('always', '');
          }}
        >
          <option value="on">{t('event')}</option>
          <option value="after">{t('timer')}</option>
          <option value="always">{t('always')}</option>
        </select>
      </label>
      {ref.kind === 'on' && (
        <NameInput
          label={t('eventName')}
          hint="A–Z, 0–9, _"
          value={ref.key}
          testId="transition-event-input"
          isValid={isValidEventName}
          onCommit={(next) => move('on', next)}
        />
      )}
      {ref.kind === 'after' && (
        <label className="field">
          <span>{t('delay')}</span>
          <select
            value={ref.key}
            data-testid="transition-delay"
            onChange={(e) => move('after', e.target.value)}
          >
            {!delays.includes(ref.key) && <option value={ref.key}>{ref.key}</option>}
            {delays.map((d) => (
              <option key={d} value={d}>
                {timerLabel(policy, ref.source, d, lang)}
              </option>
            ))}
          </select>
        </label>
      )}
      <SchemaForm
        key={id}
        spec={spec}
        value={{
          target: transition.target,
          reenter: transition.reenter,
          description: transition.description,
        }}
        policy={policy}
        testId="transition-form"
        uiSchema={{
          target: { 'ui:enumNames': statesKey.split(',').map((s) => stateLabel(policy, s, lang)) },
        }}
        onChange={(v) => set(v, 'form')}
      />
      <h4>{t('guard')}</h4>
      <GuardEditor
        value={transition.guard}
        policy={policy}
        onChange={(guard) => set({ guard }, 'guard')}
      />
      <h4>{t('actions')}</h4>
      <ActionsEditor
        value={transition.actions}
        policy={policy}
        testId="transition-actions"
        onChange={(actions) => set({ actions }, 'actions')}
      />
      {ref.kind === 'on' && (
        <>
          <h4>{t('payloadSchema')}</h4>
          <SchemaForm
            key={`event-${ref.key}`}
            spec={eventForm(hasLabel(policy.events?.[ref.key]?.label))}
            value={policy.events?.[ref.key] ?? {}}
            policy={policy}
            testId="event-form"
            onChange={(v: EventDefinition) =>
              onChange(
                {
                  ...policy,
                  events: { ...(policy.events ?? {}), [ref.key]: withoutEmptyLabel(v) },
                },
                `event-${ref.key}`,
              )
            }
          />
        </>
      )}
      <button
        type="button"
        className="btn danger"
        data-testid="delete-transition"
        onClick={() => {
          onChange(deleteTransition(policy, ref));
          onSelect({ kind: 'state', name: ref.source });
        }}
      >
        {t('deleteTransition')}
      </button>
    </div>
  );
}
