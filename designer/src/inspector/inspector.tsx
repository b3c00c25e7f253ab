// The right-hand panel: the selected state or transition, else the policy settings.
import type { Policy } from '@poolflow/engine';
import type { Selection, SettingsSection } from '../canvas/selection.js';
import { getTransition, parseTransitionId } from '../canvas/transition-ref.js';
import { PolicySettings } from './policy-settings.js';
import { StateInspector } from './state-inspector.js';
import { TransitionInspector } from './transition-inspector.js';

export function Inspector(props: {
  policy: Policy;
  selection: Selection | null;
  section: SettingsSection;
  onSection: (section: SettingsSection) => void;
  onSelect: (selection: Selection | null) => void;
  onChange: (policy: Policy, key?: string) => void;
}) {
  const { policy, selection, onChange, onSelect } = props;
  if (selection?.kind === 'state' && selection.name in policy.machine.states) {
    return (
      <StateInspector
        key={selection.name}
        policy={policy}
        name={selection.name}
        onChange={onChange}
        onSelect={onSelect}
      />
    );
  }
  if (selection?.kind === 'transition') {
    const ref = parseTransitionId(selection.id);
    if (ref && getTransition(policy, ref)) {
      return (
        <TransitionInspector
          key={selection.id}
          policy={policy}
          refTo={ref}
          onChange={onChange}
          onSelect={onSelect}
        />
      );
    }
  }
  return (
    <PolicySettings
      policy={policy}
      section={props.section}
      onSection={props.onSection}
      onChange={onChange}
    />
  );
}
