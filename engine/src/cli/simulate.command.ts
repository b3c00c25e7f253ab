// `poolflow simulate POLICY SCENARIO [--json]`: runs a scenario and prints its trace and verdict.
import type { Policy, Scenario } from '../schema.types.js';
import { checkScenario, simulate, type SimulationResult } from '../simulator.js';
import { validate } from '../validate.js';
import { CliError, EXIT } from './cli.error.js';
import { readJson } from './read-json.js';
import { resolvePolicy, resolveScenario } from './resolve-input.js';
import { formatTable, plural } from './text-table.js';
import { traceLines } from './trace-table.js';
import { problemLines } from './validate.command.js';

export interface SimulateOptions {
  json: boolean;
  out: (line: string) => void;
  warn: (line: string) => void;
}

function summary(scenario: Scenario, result: SimulationResult): string {
  const checked = scenario.steps.filter((s) => s.expect !== undefined).length;
  const failedSteps = new Set(result.failures.map((f) => f.step)).size;
  const timers = result.trace.filter((e) => e.step === null && e.trigger !== 'start').length;
  const refused = result.trace.filter((e) => e.rejected !== undefined).length;
  const { final } = result;
  const verdict = result.ok
    ? `PASS  ${plural(scenario.steps.length, 'step')}, ${checked} with expectations, all met`
    : `FAIL  ${failedSteps} of ${plural(scenario.steps.length, 'step')} failed ` +
      `(${plural(result.failures.length, 'failed expectation')})`;
  const tags = final.tags.length === 0 ? '-' : final.tags.join(',');
  return (
    `${verdict} · ${plural(timers, 'timer')} fired · ${refused} refused · ` +
    `final: ${final.state}, owner ${final.ownerId ?? '-'}, tags ${tags}, score ${final.score}`
  );
}

export async function simulateCommand(
  policyArg: string,
  scenarioArg: string,
  options: SimulateOptions,
): Promise<number> {
  const policyInput = resolvePolicy(policyArg);
  const scenarioFile = resolveScenario(scenarioArg, policyInput);
  const document = await readJson(policyInput.file, 'policy');
  const scenarioDocument = await readJson(scenarioFile, 'scenario');
  const checked = validate(document);
  if (!checked.valid) {
    throw new CliError(
      `${policyInput.file} is not a valid policy (${plural(checked.problems.length, 'problem')}):`,
      EXIT.failed,
      problemLines(checked.problems),
    );
  }
  const scenarioProblems = checkScenario(scenarioDocument);
  if (scenarioProblems.length > 0) {
    throw new CliError(
      `${scenarioFile} is not a valid scenario:`,
      EXIT.failed,
      formatTable(scenarioProblems.map((p) => [p.path, p.message])),
    );
  }
  const policy = document as Policy;
  const scenario = scenarioDocument as Scenario;
  if (scenario.policy !== undefined && scenario.policy !== policy.id) {
    options.warn(
      `poolflow: warning: the scenario is for policy "${scenario.policy}", not "${policy.id}"`,
    );
  }
  const result = simulate(policy, scenario);
  if (options.json) {
    options.out(JSON.stringify(result, null, 2));
    return result.ok ? EXIT.ok : EXIT.failed;
  }
  const out = options.out;
  out(`Scenario  ${scenario.name ?? '(unnamed)'} (${scenarioFile})`);
  out(`Policy    ${policy.id} v${policy.version} (${policyInput.file})`);
  out(`Start     ${result.trace[0]?.at ?? '-'}`);
  out('');
  for (const line of traceLines(scenario, result)) out(line);
  out('');
  if (result.failures.length > 0) {
    out('Failed expectations:');
    for (const f of result.failures) out(`  ${f.message}`);
    out('');
  }
  out(summary(scenario, result));
  return result.ok ? EXIT.ok : EXIT.failed;
}
