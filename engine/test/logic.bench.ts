// The CRM score formula through json-logic-js's interpreter (the old path) and through the compiled
// closures that evaluate() now runs, in one process: `node --import tsx engine/test/logic.bench.ts`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonLogic from 'json-logic-js';
import { evaluate } from '../src/logic/json-logic.js';

const RUNS = 200_000;
const ROUNDS = 5;
const DAY = 86_400_000;

const policy = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '..', '..', 'templates', 'crm-customer-pool', 'policy.json'),
    'utf8',
  ),
) as { score: unknown; rules: Record<string, unknown> };

// The frame evaluate() sets, so the interpreter's daysSince reads the same `now`.
const shared = Reflect.get(globalThis, Symbol.for('poolflow.json-logic')) as { frame: unknown };

const now = Date.parse('2026-03-01T09:00:00Z');
const industries = ['software', 'manufacturing', 'finance', 'trade', 'retail', 'other'];
// Records as step.ts scoreOf passes them, varied so neither path sees one shape only.
const records = Array.from({ length: 64 }, (_, i) => ({
  entity: {
    name: `Customer ${i}`,
    industry: industries[i % industries.length],
    phone: '13800000000',
    level: ['A', 'B', 'C'][i % 3],
    ...(i % 4 === 0 ? {} : { urgency: i % 6 }),
  },
  instance: {
    ownerId: `rep${i % 7}`,
    previousOwnerIds: [],
    previousOwners: [],
    poolEntries: i % 4,
    claims: i % 5,
    claimedBy: [],
    tags: i % 5 === 0 ? ['hard', 'vip'] : ['vip'],
    createdAt: now - (i + 1) * 3 * DAY,
    lastActivityAt: now - DAY,
    enteredStateAt: now - DAY,
    nurtureUntil: null,
    lastRelease: null,
    eventCounts: i % 3 === 0 ? {} : { FOLLOW_UP: i % 9, CLAIM: 1 },
  },
  now,
  event: null,
  user: null,
}));

function interpreted(data: (typeof records)[number]): unknown {
  const outer = shared.frame;
  shared.frame = { data, rules: policy.rules, depth: 0 };
  try {
    return jsonLogic.apply(policy.score as jsonLogic.RulesLogic, data);
  } finally {
    shared.frame = outer;
  }
}

function compiled(data: (typeof records)[number]): unknown {
  return evaluate(policy.score, data, policy.rules);
}

for (const data of records) {
  const [a, b] = [interpreted(data), compiled(data)];
  if (!Object.is(a, b)) throw new Error(`results differ: ${String(a)} vs ${String(b)}`);
}

let sink = 0;
function rate(fn: (data: (typeof records)[number]) => unknown): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < RUNS; i++) sink += Number(fn(records[i & 63]));
  return RUNS / (Number(process.hrtime.bigint() - start) / 1e9);
}

// Warm both up, then alternate rounds and keep each one's best.
rate(interpreted);
rate(compiled);
let old = 0;
let next = 0;
for (let round = 0; round < ROUNDS; round++) {
  old = Math.max(old, rate(interpreted));
  next = Math.max(next, rate(compiled));
}
const fmt = (perSecond: number): string =>
  `${Math.round(perSecond).toLocaleString('en-US')}/s (${(1e6 / perSecond).toFixed(2)} µs each)`;
console.log(`CRM score, ${RUNS.toLocaleString('en-US')} evaluations per round, best of ${ROUNDS}`);
console.log(`  jsonLogic.apply  ${fmt(old)}`);
console.log(`  compiled         ${fmt(next)}`);
console.log(`  ratio            ${(next / old).toFixed(1)}x${Number.isNaN(sink) ? ' ' : ''}`);
