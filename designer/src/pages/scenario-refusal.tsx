// The publish dialog's refusal: each failing saved scenario in plain words, with "Open in simulator".
import type { Policy } from '@poolflow/engine';
import type { ScenarioFailure } from '../api/policies.api.js';
import { useI18n } from '../i18n/i18n.js';
import { expectationWords, reasonWords, stepWords } from '../simulator/failure-text.js';

export function ScenarioRefusal(props: {
  policy: Policy;
  failures: ScenarioFailure[];
  onOpen: (failure: ScenarioFailure) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { failures, policy } = props;
  const total = Math.max(policy.scenarios?.length ?? 0, failures.length);
  return (
    <div className="gate-refusal" data-testid="gate-refusal">
      <div className="alert error" role="alert" data-testid="gate-refusal-title">
        <strong>
          {failures.length === 1
            ? t('gateRefusedOne', { total })
            : t('gateRefusedTitle', { count: failures.length, total })}
        </strong>
      </div>
      <p className="muted">{t('gateRefusedIntro')}</p>
      <ul className="gate-failures">
        {failures.map((f) => (
          <li
            key={f.scenario.index}
            className="gate-failure"
            data-testid="gate-failure"
            data-scenario={f.scenario.index}
          >
            <div className="gate-failure-head">
              <strong className="gate-name">{f.scenario.name}</strong>
              <button
                type="button"
                className="btn small"
                data-testid="gate-open-simulator"
                onClick={() => props.onOpen(f)}
              >
                {t('gateOpenInSimulator')}
              </button>
            </div>
            {f.step && <div className="gate-step">{stepWords(f.step, i18n)}</div>}
            <div className="gate-expect">{expectationWords(f, policy, i18n)}</div>
            {f.step?.rejected && (
              <div className="gate-reason">
                {t('gateRefusedBecause', { reason: reasonWords(f.step.rejected.code, i18n) })}
              </div>
            )}
            {f.failedExpectations > 1 && (
              <div className="muted gate-more">
                {t('gateMoreExpectations', { count: f.failedExpectations - 1 })}
              </div>
            )}
          </li>
        ))}
      </ul>
      <p className="muted gate-hint">{t('gateForceHint')}</p>
    </div>
  );
}
