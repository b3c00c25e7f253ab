// Simulator: pick or write a scenario, run it on the real engine here in the browser, see the trace
// and the path it took on the canvas; scenarios are saved with the policy.
import type { ExpectationFailure, Policy, Scenario } from '@poolflow/engine';
import { useEffect, useRef, useState } from 'react';
import { scenariosForPolicy } from '../api/templates.api.js';
import { stateLabel } from '../canvas/policy-graph.js';
import { useI18n } from '../i18n/i18n.js';
import {
  runScenario,
  savedScenarios,
  starterScenario,
  withScenario,
  type LitPath,
  type ScenarioFocus,
  type ScenarioRun,
} from './run-scenario.js';
import { simulationFailureWords } from './failure-text.js';
import { TraceTimeline } from './trace-timeline.js';

const pretty = (s: unknown) => JSON.stringify(s, null, 2);

/** Failures grouped by their step (the engine lists them in step order), so each step is named once. */
function byStep(failures: ExpectationFailure[]): [ExpectationFailure, ...ExpectationFailure[]][] {
  const groups: [ExpectationFailure, ...ExpectationFailure[]][] = [];
  for (const f of failures) {
    const last = groups[groups.length - 1];
    if (last && last[0].step === f.step) last.push(f);
    else groups.push([f]);
  }
  return groups;
}

export function SimulatorPanel(props: {
  policy: Policy;
  onChange: (policy: Policy) => void;
  onPath: (path: LitPath | null) => void;
  /** Opens and runs a saved scenario, its failing step highlighted (from the publish gate). */
  focus?: ScenarioFocus | null;
}) {
  const { policy, onPath, focus } = props;
  const i18n = useI18n();
  const { t, lang } = i18n;
  const saved = savedScenarios(policy);
  const [templates, setTemplates] = useState<Scenario[]>([]);
  const [text, setText] = useState(() => pretty(saved[0] ?? starterScenario(policy)));
  const [run, setRun] = useState<ScenarioRun | null>(null);
  const [choice, setChoice] = useState('');
  // The step to highlight in the trace: the first failing one of the last run.
  const [highlight, setHighlight] = useState<number | null>(null);
  // Template scenarios depend on which template the policy came from, not on its edits.
  const { id, machine } = policy;
  useEffect(() => {
    // A policy that came from no template simply has no template scenarios.
    scenariosForPolicy(id, machine.id).then(setTemplates, () => setTemplates([]));
  }, [id, machine.id]);
  useEffect(() => () => onPath(null), [onPath]);

  const extra = templates.filter((s) => !saved.some((k) => k.name === s.name));
  const choices = [...saved, ...extra];
  const pick = (value: string) => {
    setChoice(value);
    const chosen = value === 'new' ? starterScenario(policy) : choices[Number(value)];
    if (chosen) setText(pretty(chosen));
    setRun(null);
    setHighlight(null);
    onPath(null);
  };
  const play = (scenario: Scenario) => {
    const result = runScenario(policy, scenario);
    setRun(result);
    setHighlight(result.result?.failures[0]?.step ?? null);
    onPath(result.result ? result.path : null);
  };
  const execute = () => {
    let scenario: Scenario;
    try {
      scenario = JSON.parse(text) as Scenario;
    } catch (e) {
      setRun({
        error: `${t('invalidJson')}: ${(e as Error).message}`,
        path: { states: new Set(), edges: new Set() },
      });
      return;
    }
    play(scenario);
  };
  // Opened from the publish gate: select that saved scenario, run it, and show its failing step.
  const opened = useRef<number | null>(null);
  useEffect(() => {
    if (!focus || opened.current === focus.nonce) return;
    opened.current = focus.nonce;
    const scenario = saved[focus.index];
    if (!scenario) return;
    setChoice(String(focus.index));
    setText(pretty(scenario));
    play(scenario);
    if (focus.step !== null) setHighlight(focus.step);
    // Only a new focus request opens a scenario; edits to the policy do not reopen it.
  }, [focus]);
  const save = () => {
    try {
      const scenario = JSON.parse(text) as Scenario;
      props.onChange(withScenario(policy, scenario));
    } catch (e) {
      setRun({
        error: `${t('invalidJson')}: ${(e as Error).message}`,
        path: { states: new Set(), edges: new Set() },
      });
    }
  };

  const result = run?.result;
  return (
    <div className="simulator" data-testid="simulator">
      <div className="simulator-editor">
        <div className="row">
          <select
            data-testid="scenario-picker"
            value={choice}
            onChange={(e) => pick(e.target.value)}
          >
            <option value="" disabled>
              {t('pickScenario')}
            </option>
            <optgroup label={t('scenarioSaved')}>
              {saved.map((s, i) => (
                <option key={`s${i}`} value={i}>
                  {s.name ?? `#${i + 1}`}
                </option>
              ))}
            </optgroup>
            {extra.length > 0 && (
              <optgroup label={t('templateScenarios')}>
                {extra.map((s, i) => (
                  <option key={`t${i}`} value={saved.length + i}>
                    {s.name ?? `#${i + 1}`}
                  </option>
                ))}
              </optgroup>
            )}
            <option value="new">+ {t('newScenario')}</option>
          </select>
          <button
            type="button"
            className="btn primary small"
            onClick={execute}
            data-testid="run-scenario"
          >
            ▶ {t('run')}
          </button>
          <button type="button" className="btn small" onClick={save} data-testid="save-scenario">
            {t('saveScenario')}
          </button>
        </div>
        <textarea
          className="code"
          spellCheck={false}
          value={text}
          data-testid="scenario-json"
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div className="simulator-result">
        {run?.error && (
          <div className="alert error" data-testid="sim-error">
            {run.error}
          </div>
        )}
        {result && (
          <>
            <div
              className={result.ok ? 'sim-summary ok' : 'sim-summary failed'}
              data-testid="sim-summary"
              data-ok={String(result.ok)}
            >
              <span>
                {result.ok
                  ? `✓ ${t('passed')}`
                  : `✗ ${t('failed', { count: result.failures.length })}`}
              </span>
              <span>
                {t('simFinalState')}:{' '}
                <strong data-testid="sim-final-state" data-state={result.final.state}>
                  {stateLabel(policy, result.final.state, lang)}
                </strong>
              </span>
              <span>
                {t('owner')}: {result.final.ownerId ?? t('noOwner')}
              </span>
            </div>
            {result.failures.length > 0 && (
              <ul className="failures">
                {byStep(result.failures).map((group) => (
                  <li
                    key={group[0].step}
                    className={group[0].step === highlight ? 'error-text highlight' : 'error-text'}
                    data-testid="sim-failure"
                    title={group.map((f) => f.message).join('\n')}
                  >
                    {run.scenario
                      ? simulationFailureWords(group, run.scenario, policy, i18n)
                      : group.map((f) => f.message).join('; ')}
                  </li>
                ))}
              </ul>
            )}
            <TraceTimeline policy={policy} trace={result.trace} highlightStep={highlight} />
          </>
        )}
      </div>
    </div>
  );
}
