// The longest event-loop stall any rule validate() accepts can cause: `node --import tsx test/bench/rule-stall.ts`.
// Runs the issue's attacks, rules made to use the whole budget, seeded adversarial rules (RULES, 2000)
// and simulations at their limits, each as a record's first step (score included) in a setImmediate,
// validated and compiled beforehand, and reports the slowest with the event loop's longest delay.
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
  const body = (op: unknown): Policy => crmWith({ length: { filter: [range(15_000), op] } });
  return [
    ['filter 15,000 x addMonths', body({ addMonths: [{ var: '' }, 1] })],
    ['filter 15,000 x daysSince', body({ daysSince: [{ var: '' }, 5] })],
    ['filter 15,000 x substr', body({ substr: ['abcdefgh', { var: '' }, 2] })],
    ['filter 15,000 x in a 100-list', body({ in: [{ var: '' }, range(100)] })],
    [
      'some 3 deep over 25',
      crmWith({
        some: [
          range(25),
          { some: [range(25), { some: [range(25), { '==': [{ var: '' }, -1] }] }] },
        ],
      }),
    ],
    [
      'reduce 15,000 summing',
      crmWith({
        reduce: [range(15_000), { '+': [{ var: 'accumulator' }, { var: 'current' }] }, 0],
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
/** A case validated and compiled beforehand: what is timed is the step or simulation alone. */
type Case = { name: string; refused?: string; run: () => Row };

let slowestValidation = { ms: 0, bytes: 0 };

function outcomeOf(name: string, work: () => void): Row {
  const started = performance.now();
  let outcome = 'finished';
  try {
    work();
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    outcome = e.code;
  }
  return { name, outcome, ms: performance.now() - started };
}

function prepare(name: string, policy: Policy, scenario?: Scenario): Case {
  const started = performance.now();
  const problems = validate(policy).problems;
  const compiled = problems.length === 0 ? compile(policy) : undefined;
  const ms = performance.now() - started;
  if (ms > slowestValidation.ms) slowestValidation = { ms, bytes: JSON.stringify(policy).length };
  if (compiled === undefined) {
    const refused = `refused: ${problems[0]?.code}`;
    return { name, refused, run: () => ({ name, outcome: refused, ms: 0 }) };
  }
  const entity = { name: 'ACME', urgency: 2 };
  return {
    name,
    run: scenario
      ? () => outcomeOf(name, () => simulate(compiled, scenario))
      : () => outcomeOf(name, () => start(compiled, { entity, now: T0, ownerId: 'u1' })),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function main(): Promise<void> {
  const month: Scenario = { entity: { name: 'ACME' }, owner: 'alice', steps: [{ at: 'P30D' }] };
  const cases: Case[] = [
    ...issueAttacks().map(([name, p]) => prepare(name, p)),
    ...budgetEaters().map(([name, p]) => prepare(name, p)),
    prepare(
      `simulation: 1-minute timer loop for 30 days (${SIMULATION_LIMITS.maxTimerFirings} firings max)`,
      timerLoop(),
      month,
    ),
    prepare('simulation: map 3 deep over 100 as score', issueAttacks()[3]?.[1], month),
  ];
  const random = seeded(7);
  const adversarial = Array.from({ length: ADVERSARIAL }, (_, i) =>
    prepare(`seeded adversarial rule #${i}`, adversarialPolicy(random)),
  );
  // Warm up, so the first case is not timed with a cold JIT.
  for (let i = 0; i < 3; i++) for (const c of cases) c.run();

  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const rows: Row[] = [];
  for (const c of cases) {
    await tick();
    rows.push(c.run());
  }
  let slowest: Row = { name: 'adversarial', outcome: '', ms: 0 };
  const counts: Record<string, number> = {};
  for (const c of adversarial) {
    await tick();
    const row = c.run();
    const kind = c.refused ? 'refused' : row.outcome;
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (row.ms > slowest.ms) slowest = row;
  }
  histogram.disable();
  rows.push(slowest);

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
  console.log(`event loop max delay while running them: ${(histogram.max / 1e6).toFixed(1)} ms`);
  console.log(
    `slowest validate + compile (not in the figures above): ${slowestValidation.ms.toFixed(1)} ms for a ${slowestValidation.bytes.toLocaleString('en-US')}-byte policy`,
  );
}

await main();
