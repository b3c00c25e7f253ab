// Live validation problems from the engine; clicking one selects and centres what it is about.
import type { Policy, Problem } from '@poolflow/engine';
import { useI18n } from '../i18n/i18n.js';
import { problemText } from './problem-text.js';

export function ProblemsPanel(props: {
  policy: Policy;
  problems: Problem[];
  onPick: (problem: Problem) => void;
}) {
  const { t, lang } = useI18n();
  if (props.problems.length === 0) {
    return (
      <div className="panel-empty ok" data-testid="no-problems">
        ✓ {t('noProblems')}
      </div>
    );
  }
  return (
    <ul className="problem-list" data-testid="problem-list">
      {props.problems.map((p, i) => (
        <li key={`${p.path}-${p.code}-${i}`}>
          <button
            type="button"
            className="problem"
            data-testid="problem"
            data-code={p.code}
            data-path={p.path}
            onClick={() => props.onPick(p)}
          >
            <span className="problem-code">{p.code}</span>
            <span className="problem-message">{problemText(p, props.policy, lang)}</span>
            <code className="problem-path">{p.path || '/'}</code>
          </button>
        </li>
      ))}
    </ul>
  );
}
