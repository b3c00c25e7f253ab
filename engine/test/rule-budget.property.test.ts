// Property: no rule validate() accepts evaluates for long: it finishes or stops with POOL_ERR_RULE_BUDGET.
import { describe, expect, it } from 'vitest';
import { compile, EngineError, start, validate, type Policy } from '../src/index.js';
import { adversarialPolicy, seeded } from './adversarial.js';
import { issueAttacks } from './attacks.js';
import { T0 } from './fixtures.js';

/**
 * A bound, not a benchmark: 100 ms of wall time for a record's first step (its score evaluated),
 * generous for a shared machine; the budget keeps the real figure to a few ms (test/bench/rule-stall.ts).
 */
const BOUND_MS = 100;

type Outcome = 'refused' | 'finished' | 'over budget';

function run(policy: Policy): { outcome: Outcome; ms: number } {
  if (!validate(policy).valid) return { outcome: 'refused', ms: 0 };
  const compiled = compile(policy);
  const started = performance.now();
  try {
    start(compiled, { entity: { name: 'ACME', urgency: 2 }, now: T0, ownerId: 'u1' });
    return { outcome: 'finished', ms: performance.now() - started };
  } catch (e) {
    const ms = performance.now() - started;
    if (!(e instanceof EngineError) || e.code !== 'POOL_ERR_RULE_BUDGET') throw e;
    return { outcome: 'over budget', ms };
  }
}

describe('the rule budget bounds every rule validate() accepts', () => {
  it.each(issueAttacks())('%s: refused, or stopped quickly', (_name, policy) => {
    const { outcome, ms } = run(policy);
    expect(outcome).not.toBe('finished');
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
    run(adversarialPolicy(seeded(1))); // Warm the JIT up, so the first rule is not timed cold.
    for (let i = 0; i < 400; i++) {
      const policy = adversarialPolicy(random);
      const { outcome, ms } = run(policy);
      counts[outcome]++;
      if (ms > slowest.ms) slowest = { ms, rule: JSON.stringify(policy.score).slice(0, 300) };
    }
    expect(slowest.ms, `slowest accepted rule: ${slowest.rule}`).toBeLessThan(BOUND_MS);
    // The generator reaches all three outcomes, so the property is not checked on nothing.
    expect(counts.refused).toBeGreaterThan(20);
    expect(counts.finished).toBeGreaterThan(20);
    expect(counts['over budget']).toBeGreaterThan(20);
  });
});
