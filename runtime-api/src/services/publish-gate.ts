// The publish gate: the scenarios saved with a policy run on the real engine before a version is written.
import {
  checkScenario,
  EngineError,
  simulate,
  type CompiledPolicy,
  type Policy,
  type Scenario,
  type SimulationResult,
} from '@poolflow/engine';
import { RuntimeError } from '../runtime.error.js';

/**
 * What one publish may run. Each scenario is also bounded by the engine's SIMULATION_LIMITS (500
 * steps, 1,000 timer firings, five rule budgets), so the whole gate stays well under a second.
 */
export const PUBLISH_GATE_LIMITS = Object.freeze({
  maxScenarios: 50,
  /** Steps of all saved scenarios together. */
  maxTotalSteps: 2_000,
});

/** One failing scenario, as the 422 details and the version history give it. */
export interface ScenarioFailure {
  scenario: { index: number; name: string };
  /** The first step whose expectation failed; null when the scenario could not run at all. */
  step: {
    index: number;
    at: string;
    actor: string | null;
    event: string | null;
    /** The step's event was refused by the engine (a claim rule, no such transition). */
    rejected?: { code: string; message: string };
  } | null;
  expectation: { field: string; expected: unknown; actual: unknown } | null;
  /** Failed expectations in this scenario, this one included. */
  failedExpectations: number;
  /** Why the scenario could not run to its end (an invalid scenario, a rule over budget). */
  error?: { code: string; message: string };
  message: string;
}

const json = (v: unknown): string => JSON.stringify(v ?? null);

/** Refuses, before anything runs, scenario lists the gate would not run in bounded time. */
function checkLimits(scenarios: readonly unknown[]): void {
  const { maxScenarios, maxTotalSteps } = PUBLISH_GATE_LIMITS;
  const path = '/document/scenarios';
  const refuse = (message: string): never => {
    throw new RuntimeError('POOL_ERR_INVALID_POLICY', `policy is invalid: ${path} ${message}`, [
      { path, code: 'publish-gate-limit', message },
    ]);
  };
  if (scenarios.length > maxScenarios) {
    refuse(`has ${scenarios.length} scenarios; publishing runs at most ${maxScenarios}`);
  }
  const steps = scenarios.reduce<number>((sum, s) => {
    const list = (s as { steps?: unknown } | null)?.steps;
    return sum + (Array.isArray(list) ? list.length : 0);
  }, 0);
  if (steps > maxTotalSteps) {
    refuse(`hold ${steps} steps in all; publishing runs at most ${maxTotalSteps}`);
  }
}

function failureOf(
  index: number,
  scenario: Scenario,
  result: SimulationResult,
): ScenarioFailure | null {
  const first = result.failures[0];
  if (!first) return null;
  const name = scenario.name ?? `#${index + 1}`;
  const source = scenario.steps[first.step];
  const rejected = result.trace.find((e) => e.step === first.step && e.rejected)?.rejected;
  const actor = source?.actor ?? null;
  const event = source?.event?.type ?? null;
  const what = event ? `${actor ? `${actor}: ` : ''}${event}` : 'check';
  return {
    scenario: { index, name },
    step: {
      index: first.step,
      at: first.at,
      actor,
      event,
      ...(rejected ? { rejected: { code: rejected.code, message: rejected.message } } : {}),
    },
    expectation: { field: first.field, expected: first.expected, actual: first.actual },
    failedExpectations: result.failures.length,
    message:
      `scenario "${name}", step ${first.step + 1} of ${scenario.steps.length} (${first.at}, ${what}): ` +
      `expected ${first.field} ${json(first.expected)}, got ${json(first.actual)}` +
      (rejected ? ` (refused: ${rejected.code})` : ''),
  };
}

function errorFailure(index: number, name: string, code: string, message: string): ScenarioFailure {
  return {
    scenario: { index, name },
    step: null,
    expectation: null,
    failedExpectations: 0,
    error: { code, message },
    message: `scenario "${name}" could not run: ${message}`,
  };
}

/** Runs every saved scenario of `document` on `compiled`; returns the failing ones, in order. */
export function runSavedScenarios(compiled: CompiledPolicy, document: Policy): ScenarioFailure[] {
  const scenarios = document.scenarios ?? [];
  checkLimits(scenarios);
  const failures: ScenarioFailure[] = [];
  scenarios.forEach((saved, index) => {
    const name = typeof saved['name'] === 'string' ? saved['name'] : `#${index + 1}`;
    // A saved scenario that does not fit the scenario schema cannot pass: it fails, named.
    const problems = checkScenario(saved);
    if (problems.length > 0) {
      const where = `/document/scenarios/${index}`;
      const text = problems
        .slice(0, 3)
        .map((p) => `${where}${p.path === '/' ? '' : p.path} ${p.message}`)
        .join('; ');
      failures.push(errorFailure(index, name, 'POOL_ERR_INVALID_PAYLOAD', text));
      return;
    }
    const scenario = saved as unknown as Scenario;
    try {
      const failure = failureOf(index, scenario, simulate(compiled, scenario));
      if (failure) failures.push(failure);
    } catch (e) {
      // Over its budget, the scenario did not show the policy works: a failure like any other.
      if (!(e instanceof EngineError)) throw e;
      failures.push(errorFailure(index, name, e.code, e.message));
    }
  });
  return failures;
}

/** The 422 a refused publish answers: the failures in plain words, and as details. */
export function scenarioFailedError(failures: ScenarioFailure[], total: number): RuntimeError {
  const shown = failures.slice(0, 3).map((f) => f.message);
  const more = failures.length > shown.length ? `; and ${failures.length - shown.length} more` : '';
  const count =
    failures.length === 1
      ? `1 of ${total} saved scenarios fails`
      : `${failures.length} of ${total} saved scenarios fail`;
  return new RuntimeError(
    'POOL_ERR_SCENARIO_FAILED',
    `not published: ${count}. ${shown.join('; ')}${more}. ` +
      'Fix the policy (or the scenario), or publish anyway with force and a message.',
    failures,
  );
}
