// validate() refuses rules too deep, fanning out or recursing, and timer cycles that never wait.
import { describe, expect, it } from 'vitest';
import { RULE_LIMITS, validate, type Policy } from '../src/index.js';
import { crmWith, deepIf, fanOut, nestedMap } from './attacks.js';
import { template } from './fixtures.js';

const codes = (policy: unknown): string[] => validate(policy).problems.map((p) => p.code);

describe('static rule limits', () => {
  it('accepts every template', () => {
    for (const id of ['crm-customer-pool', 'hr-candidate-pool', 'service-ticket-pool']) {
      expect(validate(template(id)).problems).toEqual([]);
    }
  });

  it('refuses a rule nesting more than maxDepth operators (rule-too-deep)', () => {
    expect(codes(deepIf(10))).toEqual([]);
    const result = validate(deepIf(RULE_LIMITS.maxDepth));
    expect(result.problems).toContainEqual(
      expect.objectContaining({ code: 'rule-too-deep', path: '/score' }),
    );
  });

  it('refuses named rules fanning out past maxExpandedSize (rule-fan-out)', () => {
    expect(codes(fanOut(2, 6))).toEqual([]);
    for (const [ways, levels] of [
      [3, 16],
      [4, 16],
      [3, 8],
    ] as const) {
      expect(codes(fanOut(ways, levels))).toContain('rule-fan-out');
    }
    // 17 rules calling each other in a chain: too deep for the evaluator as well.
    expect(codes(fanOut(1, 17))).toContain('rule-too-deep');
  });

  it('refuses rules that call themselves, directly or through others (rule-recursive)', () => {
    const direct = crmWith({ rule: 'self' }, { self: { '+': [1, { rule: 'self' }] } });
    expect(validate(direct).problems).toContainEqual(
      expect.objectContaining({ code: 'rule-recursive', path: '/rules/self' }),
    );
    const mutual = crmWith(
      { rule: 'ping' },
      { ping: { if: [true, { rule: 'pong' }, 0] }, pong: { '+': [{ rule: 'ping' }, 1] } },
    );
    const paths = validate(mutual)
      .problems.filter((p) => p.code === 'rule-recursive')
      .map((p) => p.path)
      .sort();
    expect(paths).toEqual(['/rules/ping', '/rules/pong']);
  });

  it('refuses loops nested past maxLoopNesting, through named rules too (rule-nested-loops)', () => {
    expect(codes(nestedMap(RULE_LIMITS.maxLoopNesting, 10))).toEqual([]);
    expect(codes(nestedMap(5, 100))).toContain('rule-nested-loops');
    const inner = { some: [{ var: '' }, { some: [{ var: '' }, { '==': [{ var: '' }, 1] }] }] };
    const viaRule = crmWith(
      { length: { filter: [{ var: 'instance.tags' }, { map: [[1], { rule: 'inner' }] }] } },
      { inner },
    );
    expect(codes(viaRule)).toContain('rule-nested-loops');
  });

  it('refuses a document nested thousands deep without throwing (too-deep)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const result = validate(crmWith(deep));
    expect(result.valid).toBe(false);
    expect(result.problems[0]?.code).toBe('too-deep');
  });
});

/** The CRM template with a `loop` timer on `owned` that goes back to `target`. */
function loopOn(delay: Record<string, unknown>, target = 'owned'): Policy {
  const policy = template();
  (policy.delays as Record<string, unknown>)['loop'] = delay;
  const owned = policy.machine.states['owned'] as { after?: Record<string, unknown> };
  owned.after = { ...owned.after, loop: { target, reenter: true } };
  return policy;
}

describe('zero-length timer cycles', () => {
  it('refuses a self-loop timer of {"minutes": 0} (timer-cycle), naming the transition', () => {
    const result = validate(loopOn({ minutes: 0 }));
    expect(result.problems).toContainEqual(
      expect.objectContaining({ code: 'timer-cycle', path: '/machine/states/owned/after/loop' }),
    );
  });

  it('refuses cycles shorter than a minute, over several states and literal until', () => {
    expect(codes(loopOn({ ms: 59_999 }))).toContain('timer-cycle');
    expect(codes(loopOn({ until: 1_700_000_000_000 }))).toContain('timer-cycle');
    // owned -> pool after 30 s, pool -> owned after 20 s: round in 50 s.
    const policy = loopOn({ ms: 30_000 }, 'pool');
    (policy.delays as Record<string, unknown>)['back'] = { ms: 20_000 };
    const pool = policy.machine.states['pool'] as { after?: Record<string, unknown> };
    pool.after = { back: 'owned' };
    expect(codes(policy)).toContain('timer-cycle');
  });

  it('accepts a cycle of a minute or more, and computed delays (the runtime caps those)', () => {
    // The loop re-enters "owned" before its reminder and release: those are timer-never-fires.
    const others = (policy: Policy) => codes(policy).filter((c) => c !== 'timer-never-fires');
    expect(others(loopOn({ minutes: 1 }))).toEqual([]);
    expect(others(loopOn({ minutes: { var: 'entity.urgency' } }))).toEqual([]);
  });

  it('refuses a cycle of eventless transitions (always-cycle): XState would never return', () => {
    const policy = template();
    const states = policy.machine.states as Record<string, unknown>;
    states['a'] = { always: 'b' };
    states['b'] = { always: 'a' };
    (policy.machine.states['owned']?.on as Record<string, unknown>)['GO'] = 'a';
    expect(codes(policy)).toContain('always-cycle');
  });
});
