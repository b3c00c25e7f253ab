// Property: no rule validate() accepts evaluates for long: it finishes or stops with POOL_ERR_RULE_BUDGET.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compile,
  EngineError,
  ruleBudget,
  setRuleBudget,
  start,
  validate,
  type Policy,
} from '../src/index.js';
import { adversarialPolicy, seeded } from './adversarial.js';
import { issueAttacks } from './attacks.js';
import { T0 } from './fixtures.js';

/**
 * The property is checked on the budget's counters alone: the wall-clock backstop is set out of reach
 * here, so every rule must stop on operations, elements, characters or rule calls, whatever the load
 * of the machine (a rule that only the clock stopped would run on and fail the test by its time-out).
 * The wall-time bound is a gross one on top (the counters keep the real figure to a few ms,
 * test/bench/rule-stall.ts); 100 ms failed once under four concurrent test runs.
 */
const BOUND_MS = 1_000;

type Outcome = 'refused' | 'finished' | 'over budget';

function run(policy: Policy): { outcome: Outcome; ms: number; limit?: string } {
  if (!validate(policy).valid) return { outcome: 'refused', ms: 0 };
  const compiled = compile(policy);
  const started = performance.now();
  try {
    start(compiled, { entity: { name: 'ACME', urgency: 2 }, now: T0, ownerId: 'u1' });
    return { outcome: 'finished', ms: performance.now() - started };
  } catch (e) {
    const ms = performance.now() - started;
    if (!(e instanceof EngineError) || e.code !== 'POOL_ERR_RULE_BUDGET') throw e;
    return {
      outcome: 'over budget',
      ms,
      limit: String((e.details as { limit?: unknown } | undefined)?.limit),
    };
  }
}

/** A limit that names the clock: the property wants a counter to stop every rule. */
const byClock = (limit: string | undefined): boolean => limit !== undefined && / ms$/.test(limit);

describe('the rule budget bounds every rule validate() accepts', () => {
  const saved = ruleBudget();
  beforeAll(() => setRuleBudget({ maxMillis: 3_600_000 }));
  afterAll(() => setRuleBudget(saved));

  it.each(issueAttacks())('%s: refused, or stopped quickly', (_name, policy) => {
    const { outcome, ms, limit } = run(policy);
    expect(outcome).not.toBe('finished');
    expect(byClock(limit)).toBe(false);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('the issue’s own attacks are refused by validate()', () => {
    const refused = Object.fromEntries(
      issueAttacks()
        .slice(0, 3)
        .map(([name, policy]) => [name, validate(policy).problems.map((p) => p.code)]),
    );
    expect(refused).toEqual({
      'named rules fanning out 3 ways over 16 levels': expect.arrayContaining(['rule-fan-out']),
      'named rules fanning out 4 ways over 16 levels': expect.arrayContaining(['rule-fan-out']),
      'map nested 5 deep over 100 items': expect.arrayContaining(['rule-nested-loops']),
    });
  });

  it('400 seeded adversarial rules: each refused, finished or over budget within the bound', () => {
    const random = seeded(20_261_130);
    const counts: Record<Outcome, number> = { refused: 0, finished: 0, 'over budget': 0 };
    let slowest = { ms: 0, rule: '' };
    const clockStopped: string[] = [];
    run(adversarialPolicy(seeded(1))); // Warm the JIT up, so the first rule is not timed cold.
    for (let i = 0; i < 400; i++) {
      const policy = adversarialPolicy(random);
      const { outcome, ms, limit } = run(policy);
      counts[outcome]++;
      if (byClock(limit)) clockStopped.push(JSON.stringify(policy.score).slice(0, 300));
      if (ms > slowest.ms) slowest = { ms, rule: JSON.stringify(policy.score).slice(0, 300) };
    }
    expect(clockStopped).toEqual([]);
    expect(slowest.ms, `slowest accepted rule: ${slowest.rule}`).toBeLessThan(BOUND_MS);
    // The generator reaches all three outcomes, so the property is not checked on nothing.
    expect(counts.refused).toBeGreaterThan(20);
    expect(counts.finished).toBeGreaterThan(20);
    expect(counts['over budget']).toBeGreaterThan(20);
  });
});
