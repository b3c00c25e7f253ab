// Engine throughput on the CRM template: poolflow step() against bare XState transition() on the
// same machine config, both restoring every snapshot from a JSON round trip as the runtime does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  initialTransition,
  setup,
  transition,
  type AnyStateMachine,
  type StateValue,
} from 'xstate';
import {
  actions,
  compile,
  start,
  step,
  type CompiledPolicy,
  type Policy,
  type PoolEvent,
  type PoolSnapshot,
  type PoolUser,
} from '../../engine/src/index.js';
import { formatRate, median, table, timeMs, type BenchOutcome } from './harness.js';

const DAY = 86_400_000;
const TARGET_RATIO = 0.7;
const ROUNDS = 15;
const ROUND_MS = 250;
const WARMUP_MS = 1500;
const policyFile = join(
  import.meta.dirname,
  '..',
  '..',
  'templates',
  'crm-customer-pool',
  'policy.json',
);

/** One event of a record's loop and the state it must lead to. */
interface Move {
  kind: 'followUp' | 'release' | 'claim';
  /** A follow-up's event: each one a day apart, on another channel with another note. */
  event?: PoolEvent;
  claimant?: PoolUser;
  expect: 'owned' | 'pool';
}

// Four claims per record: the template sends the fifth claim to review, which would end the loop.
// The template counts a follow-up only with a new note of 10+ characters and allows one call in
// 48 hours: the three follow-ups a day apart use three channels and notes, so each re-enters owned.
const FOLLOW_UPS: PoolEvent[] = [
  { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'asked for a quote' } },
  { type: 'FOLLOW_UP', payload: { channel: 'visit', note: 'demo on site' } },
  { type: 'FOLLOW_UP', payload: { channel: 'wechat', note: 'sent the price list' } },
];
const MOVES: Move[] = [1, 2, 3, 4].flatMap((n) => [
  ...FOLLOW_UPS.map((event): Move => ({ kind: 'followUp', event, expect: 'owned' })),
  { kind: 'release', expect: 'pool' },
  {
    kind: 'claim',
    claimant: { id: `rep${n}`, attributes: { seniority: 'senior' } },
    expect: 'owned',
  },
]);
const CLAIM = { type: 'CLAIM' };
const entity = { name: 'ACME Trading', industry: 'trade', phone: '13800000000', urgency: 3 };
const t0 = Date.parse('2026-01-05T09:00:00+08:00');

function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function check(actual: string, move: Move, index: number, side: string): void {
  if (actual !== move.expect && actual !== JSON.stringify(move.expect)) {
    throw new Error(`${side}: move ${index} (${move.kind}) led to ${actual}, not ${move.expect}`);
  }
}

// ---- poolflow: the engine's step() -------------------------------------------------------------

interface PoolflowSide {
  compiled: CompiledPolicy;
  first: PoolSnapshot;
  releaseKey: string;
}

function poolflowSide(policy: Policy): PoolflowSide {
  const compiled = compile(policy);
  const alice: PoolUser = { id: 'alice', attributes: { seniority: 'junior' } };
  const first = start(compiled, { entity, now: t0, user: alice, recordId: 'bench' }).snapshot;
  const releaseKey = Object.keys(first.timers).find((k) => first.timers[k]?.delay === 'release');
  if (releaseKey === undefined) throw new Error('the CRM template has no release timer');
  return { compiled, first, releaseKey };
}

function runPoolflow(side: PoolflowSide, records: number, verify = false): number {
  const { compiled, releaseKey } = side;
  let sink = 0;
  for (let r = 0; r < records; r++) {
    let stored = side.first;
    let now = t0;
    let owner: PoolUser = { id: 'alice' };
    MOVES.forEach((move, index) => {
      const snapshot = roundTrip(stored);
      if (move.kind === 'followUp') {
        now += DAY;
        stored = step(compiled, snapshot, move.event ?? FOLLOW_UPS[0], {
          entity,
          user: owner,
          now,
          recordId: 'b',
        }).snapshot;
      } else if (move.kind === 'release') {
        const dueAt = snapshot.timers[releaseKey]?.dueAt ?? now;
        now = dueAt;
        const event = { type: releaseKey, timerKey: releaseKey, dueAt };
        stored = step(compiled, snapshot, event, { entity, now, recordId: 'b' }).snapshot;
      } else {
        now += DAY;
        owner = move.claimant ?? owner;
        const claimant = { owned: 0, claimsToday: 0 };
        stored = step(compiled, snapshot, CLAIM, {
          entity,
          user: owner,
          now,
          recordId: 'b',
          claimant,
        }).snapshot;
      }
      if (verify) check(stored.value, move, index, 'poolflow');
    });
    sink += stored.seq;
  }
  return sink;
}

// ---- bare XState: the same machine config, constant delays, no-op actions -----------------------

interface BareSide {
  machine: AnyStateMachine;
  first: { value: StateValue; context: unknown };
  releaseEvent: { type: string };
}

/** The policy's machine as plain XState: named delays become constant ms, actions do nothing. */
function bareSide(policy: Policy, instance: unknown): BareSide {
  const delayMs = (name: string): number => {
    const days = policy.delays?.[name]?.days;
    return typeof days === 'number' ? days * DAY : DAY;
  };
  const states: Record<string, unknown> = {};
  for (const [name, node] of Object.entries(policy.machine.states)) {
    const after = node.after
      ? Object.fromEntries(Object.entries(node.after).map(([d, t]) => [delayMs(d), t]))
      : undefined;
    states[name] = after ? { ...node, after } : node;
  }
  const noop = (): void => undefined;
  const implementations: unknown = {
    actions: Object.fromEntries(actions.list().map((a) => [a.type, noop])),
    // As the poolflow side goes: each follow-up counts (re-enters owned), no fifth claim.
    guards: Object.fromEntries(
      Object.keys(policy.rules ?? {}).map((rule) => [rule, () => rule === 'countsAsFollowUp']),
    ),
  };
  const config: unknown = { ...policy.machine, context: instance, states };
  const machine = setup(implementations as never).createMachine(
    config as never,
  ) as unknown as AnyStateMachine;
  const [snapshot] = initialTransition(machine);
  return {
    machine,
    first: { value: snapshot.value, context: snapshot.context },
    releaseEvent: { type: `xstate.after.${delayMs('release')}.${policy.machine.id}.owned` },
  };
}

function runBare(side: BareSide, records: number, verify = false): number {
  const { machine } = side;
  let sink = 0;
  for (let r = 0; r < records; r++) {
    let stored = side.first;
    MOVES.forEach((move, index) => {
      const { value, context } = roundTrip(stored);
      const event =
        move.kind === 'followUp'
          ? (move.event ?? FOLLOW_UPS[0])
          : move.kind === 'release'
            ? side.releaseEvent
            : CLAIM;
      const [next] = transition(machine, machine.resolveState({ value, context }), event);
      stored = { value: next.value, context: next.context };
      if (verify) check(JSON.stringify(next.value), move, index, 'bare XState');
    });
    sink += JSON.stringify(stored.value).length;
  }
  return sink;
}

// ---- the run ------------------------------------------------------------------------------------

export async function engineBench(): Promise<BenchOutcome> {
  await Promise.resolve();
  const policy = JSON.parse(readFileSync(policyFile, 'utf8')) as Policy;
  const poolflow = poolflowSide(policy);
  const bare = bareSide(policy, poolflow.first.instance);
  runPoolflow(poolflow, 1, true);
  runBare(bare, 1, true);

  // Warm up both, and size a round to take about ROUND_MS on the slower side.
  let warm = { poolflow: 0, bare: 0, records: 0 };
  while (warm.poolflow < WARMUP_MS / 2 || warm.bare < WARMUP_MS / 2) {
    warm = {
      poolflow: warm.poolflow + timeMs(() => runPoolflow(poolflow, 20)),
      bare: warm.bare + timeMs(() => runBare(bare, 20)),
      records: warm.records + 20,
    };
  }
  const msPerRecord = Math.max(warm.poolflow, warm.bare) / warm.records;
  const records = Math.max(100, Math.round(ROUND_MS / msPerRecord));
  const steps = records * MOVES.length;

  const rates = { poolflow: [] as number[], bare: [] as number[], ratio: [] as number[] };
  const rows: string[][] = [['round', 'poolflow steps/s', 'bare XState steps/s', 'ratio']];
  const stepsPerSecond = (run: () => unknown): number => steps / (timeMs(run) / 1000);
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which side goes first, so drift in the machine's speed hits both alike.
    let a = 0;
    let b = 0;
    if (round % 2 === 1) {
      a = stepsPerSecond(() => runPoolflow(poolflow, records));
      b = stepsPerSecond(() => runBare(bare, records));
    } else {
      b = stepsPerSecond(() => runBare(bare, records));
      a = stepsPerSecond(() => runPoolflow(poolflow, records));
    }
    rates.poolflow.push(a);
    rates.bare.push(b);
    rates.ratio.push(a / b);
    rows.push([String(round), formatRate(a), formatRate(b), `${(a / b).toFixed(2)}x`]);
  }
  const p = median(rates.poolflow);
  const x = median(rates.bare);
  // Each round's two runs are adjacent, so the median of the round ratios shrugs off load that
  // comes and goes on the machine; the ratio of the medians is shown beside it.
  const ratio = median(rates.ratio);
  rows.push(['median', formatRate(p), formatRate(x), `${ratio.toFixed(2)}x`]);

  console.log('workload: CRM template; per record (FOLLOW_UP x3 re-entry, release timer -> pool,');
  console.log(`          CLAIM -> owned) x4 = ${MOVES.length} steps; every step starts from`);
  console.log(
    '          JSON.parse(JSON.stringify(snapshot)); bare XState restores {value, context}',
  );
  console.log(
    `          with machine.resolveState; ${records} records (${steps} steps) per round per side`,
  );
  console.log('');
  for (const line of table(rows)) console.log(line);
  console.log('');
  const ok = ratio >= TARGET_RATIO;
  console.log(
    `poolflow/bare = ${ratio.toFixed(2)}x median of rounds, ${(p / x).toFixed(2)}x of median rates ` +
      `(target >= ${TARGET_RATIO.toFixed(2)}x): ${ok ? 'met' : 'NOT met'}`,
  );
  console.log(
    `poolflow ${(1e6 / p).toFixed(1)} µs/step, bare XState ${(1e6 / x).toFixed(1)} µs/step`,
  );
  return { ok };
}
