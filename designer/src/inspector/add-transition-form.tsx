// Adds a transition from the keyboard: event name and target state.
import type { Policy } from '@poolflow/engine';
import { useState, type FormEvent } from 'react';
import { addTransition, isValidEventName, stateLabel } from '../canvas/policy-graph.js';
import { transitionId } from '../canvas/transition-ref.js';
import { useI18n } from '../i18n/i18n.js';

export function AddTransitionForm(props: {
  policy: Policy;
  source: string;
  onAdded: (policy: Policy, id: string) => void;
}) {
  const { t, lang } = useI18n();
  const states = Object.keys(props.policy.machine.states);
  const [event, setEvent] = useState('');
  const [target, setTarget] = useState(states.find((s) => s !== props.source) ?? props.source);
  const ok = isValidEventName(event) && states.includes(target);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ok) return;
    const added = addTransition(props.policy, props.source, target, event);
    props.onAdded(added.policy, transitionId(added.ref));
    setEvent('');
  };

  return (
    <form className="inline-form" onSubmit={submit} data-testid="add-transition-form">
      <input
        placeholder={t('eventName')}
        value={event}
        data-testid="new-transition-event"
        onChange={(e) => setEvent(e.target.value.toUpperCase())}
      />
      <select
        value={target}
        data-testid="new-transition-target"
        onChange={(e) => setTarget(e.target.value)}
      >
        {states.map((s) => (
          <option key={s} value={s}>
            {stateLabel(props.policy, s, lang)}
          </option>
        ))}
      </select>
      <button type="submit" className="btn small" disabled={!ok} data-testid="add-transition">
        {t('addTransition')}
      </button>
    </form>
  );
}
