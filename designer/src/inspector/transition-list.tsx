// The outgoing transitions of a state, as a clickable list.
import type { Policy } from '@poolflow/engine';
import { transitionLabel } from '../canvas/edge-label.js';
import { stateLabel } from '../canvas/policy-graph.js';
import type { Selection } from '../canvas/selection.js';
import { transitionGroups, transitionId } from '../canvas/transition-ref.js';
import { useI18n } from '../i18n/i18n.js';

export function TransitionList(props: {
  policy: Policy;
  source: string;
  onSelect: (selection: Selection) => void;
}) {
  const { lang, t } = useI18n();
  const node = props.policy.machine.states[props.source];
  const items = transitionGroups(node).flatMap(({ kind, key, list }) =>
    list.map((tr, index) => ({
      id: transitionId({ source: props.source, kind, key, index }),
      kind,
      key,
      tr,
    })),
  );
  return (
    <ul className="transition-list">
      {items.map(({ id, kind, key, tr }) => (
        <li key={id}>
          <button
            type="button"
            className="link-row"
            onClick={() => props.onSelect({ kind: 'transition', id })}
          >
            <span>{transitionLabel(props.policy, kind, key, lang, props.source)}</span>
            <span className="muted">
              → {tr.target ? stateLabel(props.policy, tr.target, lang) : t('stay')}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
