// Scenarios checked before they run: the scenario schema, SIMULATION_LIMITS' step count and step
// times within the longest duration, for the simulator and for the scenarios a policy saves.
import scenarioSchema from '@poolflow/schemas/scenario.schema.json' with { type: 'json' };
import routingSchema from '@poolflow/schemas/routing.schema.json' with { type: 'json' };
import { durationProblem, MAX_DURATION_MS } from './duration.js';
import { newAjv, schemaProblems } from './json-schema.js';
import type { Scenario } from './schema.types.js';
import type { JsonObject } from './types.js';
import type { Problem } from './validate.js';

/**
 * What one simulation may do, so that it stays within tens of milliseconds (a simulation runs on
 * the request thread). Past a limit it stops with POOL_ERR_RULE_BUDGET (422), details name the limit.
 */
export const SIMULATION_LIMITS = Object.freeze({
  /** Steps of the scenario. */
  maxSteps: 500,
  /** Timers fired between steps, over the whole simulation. */
  maxTimerFirings: 1_000,
  /** Trace entries (start, steps, timer firings). */
  maxTraceEntries: 1_500,
  /**
   * The rule budget of the whole simulation, in rule budgets of one evaluation (budget.ts); its
   * clock backstop is twice one evaluation's (100 ms by default).
   */
  ruleBudgets: 5,
});

export const DEFAULT_START = '2026-01-05T09:00:00+08:00';

// The scenario's `routing` refers to routing.schema.json by the scenario schema's base URI.
const validateScenario = newAjv()
  .addSchema({ ...routingSchema, $id: new URL('routing.schema.json', scenarioSchema.$id).href })
  .compile(scenarioSchema);

interface ScenarioProblem {
  path: string;
  message: string;
  params: JsonObject;
}

/** A schema-valid scenario's other problems: too many steps, a step time past MAX_DURATION_MS. */
function limitProblems(scenario: Scenario): ScenarioProblem[] {
  const { maxSteps } = SIMULATION_LIMITS;
  if (scenario.steps.length > maxSteps) {
    const params = { keyword: 'maxItems', limit: maxSteps };
    return [{ path: '/steps', message: `must have at most ${maxSteps} items`, params }];
  }
  const start = Date.parse(scenario.start ?? DEFAULT_START);
  const problems: ScenarioProblem[] = [];
  scenario.steps.forEach((step, i) => {
    const times = { at: step.at, 'expect/until': step.expect?.until };
    for (const [key, duration] of Object.entries(times)) {
      const message = duration === undefined ? undefined : durationProblem(start, duration);
      if (message === undefined) continue;
      const params = { keyword: 'maximum', limit: 'P100Y', limitMs: MAX_DURATION_MS };
      problems.push({ path: `/steps/${i}/${key}`, message, params });
    }
  });
  return problems;
}

/** The problems of a scenario document, each a JSON pointer into it ('/' for the whole) and a message. */
export function checkScenario(scenario: unknown): { path: string; message: string }[] {
  if (validateScenario(scenario)) {
    return limitProblems(scenario as unknown as Scenario).map(({ path, message }) => ({
      path,
      message,
    }));
  }
  return (validateScenario.errors ?? []).map((e) => ({
    path: e.instancePath || '/',
    message: e.message ?? 'is invalid',
  }));
}

/**
 * The problems of a policy's saved `scenarios` (validate.ts), under `/scenarios/<i>`. An entry as a
 * template lists it ({id, name, scenario}) is named as such: its `scenario` is the entry to save.
 */
export function savedScenarioProblems(scenarios: readonly unknown[]): Problem[] {
  return scenarios.flatMap((entry, i): Problem[] => {
    const at = `/scenarios/${i}`;
    if (validateScenario(entry)) {
      return limitProblems(entry as unknown as Scenario).map(({ path, message, params }) => ({
        path: `${at}${path}`,
        code: 'schema',
        message: `${at}${path} ${message}`,
        params,
      }));
    }
    const inner = (entry as { scenario?: unknown }).scenario;
    if (!('steps' in (entry as object)) && typeof inner === 'object' && inner && 'steps' in inner) {
      const message = `${at} is a template's {id, name, scenario} entry: save its "scenario" object instead`;
      const params = { keyword: 'required', missingProperty: 'steps' };
      return [{ path: at, code: 'schema', message, params }];
    }
    return schemaProblems(validateScenario.errors, at);
  });
}
