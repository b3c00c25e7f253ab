// Live validation problems from the engine; clicking one selects and centres what it is about.
// Warnings follow them, marked as such: they do not stop publishing.
import type { Policy, Problem } from '@poolflow/engine';
import { useI18n } from '../i18n/i18n.js';
import { problemText } from './problem-text.js';

export function ProblemsPanel(props: {
  policy: Policy;
  problems: Problem[];
  warnings?: Problem[];
  onPick: (problem: Problem) => void;
}) {
  const { t, lang } = useI18n();
  const warnings = props.warnings ?? [];
  const line = (p: Problem, i: number, warning: boolean) => (
    <li key={`${warning ? 'w' : 'p'}-${p.path}-${p.code}-${i}`}>
      <button
        type="button"
        className={warning ? 'problem warning' : 'problem'}
        data-testid={warning ? 'warning' : 'problem'}
        data-code={p.code}
        data-path={p.path}
        onClick={() => props.onPick(p)}
      >
        <span className="problem-code">
          {warning && <span className="problem-kind">{t('warning')}</span>}
          {p.code}
        </span>
        <span className="problem-message">{problemText(p, props.policy, lang)}</span>
        <code className="problem-path">{p.path || '/'}</code>
      </button>
    </li>
  );
  return (
    <>
      {props.problems.length === 0 ? (
        <div className="panel-empty ok" data-testid="no-problems">
          ✓ {t('noProblems')}
          {warnings.length > 0 && <span className="muted"> {t('warningsNote')}</span>}
        </div>
      ) : (
        <ul className="problem-list" data-testid="problem-list">
          {props.problems.map((p, i) => line(p, i, false))}
        </ul>
      )}
      {warnings.length > 0 && (
        <ul className="problem-list warnings" data-testid="warning-list">
          {warnings.map((p, i) => line(p, i, true))}
        </ul>
      )}
    </>
  );
}
