// The longest event-loop stall any rule validate() accepts can cause: `node --import tsx test/bench/rule-stall.ts`.
// Runs the issue's attacks, rules made to use the whole budget, seeded adversarial rules and
// simulations at their limits, each as a record's first step (score included) in a setImmediate,
// and reports the slowest along with the event loop's own longest delay (perf_hooks).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  compile,
  EngineError,
  ruleBudget,
  SIMULATION_LIMITS,
  simulate,
  start,
  validate,
  type Policy,
  type Scenario,
} from '../../engine/src/index.js';
import { adversarialPolicy, seeded } from '../../engine/test/adversarial.js';
import { crmWith, issueAttacks, range } from '../../engine/test/attacks.js';
import { table } from './harness.js';

const T0 = Date.parse('2026-01-05T01:00:00Z');
const ADVERSARIAL = Number(process.env['RULES'] ?? 2000);

/** Rules that spend the whole budget on what it prices lowest. */
function budgetEaters(): [string, Policy][] {
  const body = (op: unknown): Policy => crmWith({ length: { filter: [range(20_000), op] } });
  return [
    ['filter 20,000 x addMonths', body({ addMonths: [{ var: '' }, 1] })],
    ['filter 20,000 x daysSince', body({ daysSince: [{ var: '' }, 5] })],
    ['filter 20,000 x substr', body({ substr: ['abcdefgh', { var: '' }, 2] })],
    ['filter 20,000 x in a 100-list', body({ in: [{ var: '' }, range(100)] })],
    [
      'some 3 deep over 50',
      crmWith({
        some: [
          range(50),
          { some: [range(50), { some: [range(50), { '==': [{ var: '' }, -1] }] }] },
        ],
      }),
    ],
    [
      'reduce 30,000 summing',
      crmWith({
        reduce: [range(30_000), { '+': [{ var: 'accumulator' }, { var: 'current' }] }, 0],
      }),
    ],
    ['map 90,000 x 1', crmWith({ length: { map: [range(90_000), 1] } })],
    [
      'merge 40 x 2,000',
      crmWith({ length: { merge: Array.from({ length: 40 }, () => range(2000)) } }),
    ],
  ];
}

/** A loop timer of one minute on `owned`, simulated for a month: stops at maxTimerFirings. */
function timerLoop(): Policy {
  const policy = crmWith({ '+': [1, 2] });
  (policy.delays as Record<string, unknown>)['loop'] = { minutes: 1 };
  const owned = policy.machine.states['owned'] as { after?: Record<string, unknown> };
  owned.after = { ...owned.after, loop: { target: 'owned', reenter: true } };
  return policy;
}

type Row = { name: string; outcome: string; ms: number };

function timeStep(name: string, policy: Policy): Row {
  const problems = validate(policy).problems;
  if (problems.length > 0) return { name, outcome: `refused: ${problems[0]?.code}`, ms: 0 };
  const compiled = compile(policy);
  const started = performance.now();
  let outcome = 'finished';
  try {
    start(compiled, { entity: { name: 'ACME', urgency: 2 }, now: T0, ownerId: 'u1' });
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    outcome = e.code;
  }
  return { name, outcome, ms: performance.now() - started };
}

function timeSimulation(name: string, policy: Policy, scenario: Scenario): Row {
  if (!validate(policy).valid) return { name, outcome: 'refused', ms: 0 };
  const started = performance.now();
  let outcome = 'finished';
  try {
    simulate(policy, scenario);
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    outcome = e.code;
  }
  return { name, outcome, ms: performance.now() - started };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function main(): Promise<void> {
  const owned: Scenario = {
    entity: { name: 'ACME' },
    owner: 'alice',
    steps: [{ at: 'P30D' }],
  };
  const cases: [string, () => Row][] = [
    ...issueAttacks().map(([name, p]): [string, () => Row] => [name, () => timeStep(name, p)]),
    ...budgetEaters().map(([name, p]): [string, () => Row] => [name, () => timeStep(name, p)]),
    [
      `simulation: 1-minute timer loop for 30 days (${SIMULATION_LIMITS.maxTimerFirings} firings max)`,
      () => timeSimulation('simulation: timer loop', timerLoop(), owned),
    ],
    [
      'simulation: map 3 deep over 100 as score',
      () => timeSimulation('simulation: costly score', issueAttacks()[3]?.[1], owned),
    ],
  ];
  // Warm up, so the first case is not timed with a cold JIT.
  for (let i = 0; i < 3; i++) for (const [, run] of cases) run();

  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const rows: Row[] = [];
  for (const [, run] of cases) {
    await tick();
    rows.push(run());
  }
  const random = seeded(7);
  let adversarial: Row = { name: 'adversarial', outcome: '', ms: 0 };
  const counts: Record<string, number> = {};
  for (let i = 0; i < ADVERSARIAL; i++) {
    await tick();
    const row = timeStep(`seeded adversarial rule #${i}`, adversarialPolicy(random));
    const kind = row.outcome.startsWith('refused') ? 'refused' : row.outcome;
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (row.ms > adversarial.ms) adversarial = row;
  }
  histogram.disable();
  rows.push(adversarial);

  console.log(`Rule budget: ${JSON.stringify(ruleBudget())}`);
  console.log(
    table([
      ['case', 'outcome', 'ms'],
      ...rows.map((r) => [r.name, r.outcome, r.ms.toFixed(2)]),
    ]).join('\n'),
  );
  console.log(`${ADVERSARIAL} seeded adversarial rules: ${JSON.stringify(counts)}`);
  const longest = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
  console.log(`longest stall of an accepted rule: ${longest.ms.toFixed(1)} ms (${longest.name})`);
  console.log(`event loop max delay while measuring: ${(histogram.max / 1e6).toFixed(1)} ms`);
}

await main();
