// The publish gate: how long the scenarios saved with a policy take to run before a version is written
// (README "Publish gate"). Each template with all its scenarios saved, and the largest list the gate
// accepts (50 scenarios, 2,000 steps: 40 e-mail follow-ups each, 16 hours apart, each step checking the state).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, type Policy } from '../../engine/src/index.js';
import {
  PUBLISH_GATE_LIMITS,
  runSavedScenarios,
} from '../../runtime-api/src/services/publish-gate.js';
import { median, table, timeMs, type BenchOutcome } from './harness.js';

const RUNS = 30;
const WARMUP = 5;
/** The gate runs inside a publish request: it should stay well under a second at its limits. */
const LIMIT_TARGET_MS = 1000;
const templatesRoot = join(import.meta.dirname, '..', '..', 'templates');

/** A template's policy with every scenario of its folder saved with it. */
function withScenarios(id: string): Policy {
  const policy = JSON.parse(readFileSync(join(templatesRoot, id, 'policy.json'), 'utf8')) as Policy;
  const dir = join(templatesRoot, id, 'scenarios');
  policy.scenarios = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
  return policy;
}

/** The CRM template with the most the gate runs: 50 scenarios of 40 steps. */
function atTheLimits(): Policy {
  const policy = withScenarios('crm-customer-pool');
  const { maxScenarios, maxTotalSteps } = PUBLISH_GATE_LIMITS;
  const stepsEach = maxTotalSteps / maxScenarios;
  policy.scenarios = Array.from({ length: maxScenarios }, (_, i) => ({
    name: `follow-ups ${i + 1}`,
    policy: policy.id,
    users: { alice: {} },
    entity: { name: `Customer ${i + 1}`, industry: 'software' },
    owner: 'alice',
    steps: Array.from({ length: stepsEach }, (_, day) => ({
      at: `PT${16 * (day + 1)}H`,
      actor: 'alice',
      event: { type: 'FOLLOW_UP', payload: { channel: 'email', note: `mail ${day + 1}` } },
      expect: { state: 'owned', ownerId: 'alice' },
    })),
  }));
  return policy;
}

/** Median ms of the gate on `policy`; throws if a scenario fails (the figure would be of nothing). */
function gateMs(policy: Policy): number {
  const compiled = compile(policy);
  const run = (): void => {
    const failures = runSavedScenarios(compiled, policy);
    if (failures.length > 0) throw new Error(`a saved scenario fails: ${failures[0]?.message}`);
  };
  for (let i = 0; i < WARMUP; i++) run();
  return median(Array.from({ length: RUNS }, () => timeMs(run)));
}

export function publishGateBench(): Promise<BenchOutcome> {
  const rows: string[][] = [];
  for (const id of ['crm-customer-pool', 'hr-candidate-pool', 'service-ticket-pool']) {
    const policy = withScenarios(id);
    const steps = (policy.scenarios ?? []).reduce(
      (n, s) => n + ((s as { steps?: unknown[] }).steps?.length ?? 0),
      0,
    );
    rows.push([
      id,
      String(policy.scenarios?.length ?? 0),
      String(steps),
      gateMs(policy).toFixed(1),
    ]);
  }
  const limits = atTheLimits();
  const limitMs = gateMs(limits);
  rows.push([
    'crm-customer-pool at the limits',
    String(limits.scenarios?.length),
    String(PUBLISH_GATE_LIMITS.maxTotalSteps),
    limitMs.toFixed(1),
  ]);
  console.log(`command: npm run bench -- publish-gate (median of ${RUNS} runs after ${WARMUP})`);
  console.log('');
  for (const line of table([['policy', 'scenarios', 'steps', 'gate ms'], ...rows]))
    console.log(line);
  const ok = limitMs < LIMIT_TARGET_MS;
  console.log(
    `the gate at its limits: ${limitMs.toFixed(0)} ms (target < ${LIMIT_TARGET_MS} ms): ${ok ? 'met' : 'NOT met'}`,
  );
  return Promise.resolve({ ok });
}
