import { describe, expect, it } from 'vitest';
import { compile, EngineError, validate, type Policy } from '../src/index.js';
import { template } from './fixtures.js';

/** Applies a change to a fresh CRM template and returns its problems. */
function problemsAfter(
  change: (p: Policy) => void,
): { path: string; code: string; message: string }[] {
  const policy = template();
  change(policy);
  return validate(policy).problems;
}

const states = (p: Policy) => p.machine.states as Record<string, Record<string, unknown>>;

describe('validate', () => {
  it('accepts the CRM template', () => {
    expect(validate(template())).toEqual({ valid: true, problems: [], warnings: [] });
  });

  it.each([
    [
      'unknown target state',
      (p: Policy) => {
        (states(p)['owned']['on'] as Record<string, unknown>)['WIN'] = 'wonn';
      },
      { path: '/machine/states/owned/on/WIN', code: 'unknown-state' },
    ],
    [
      'unknown initial state',
      (p: Policy) => {
        p.machine.initial = 'start';
      },
      { path: '/machine/initial', code: 'unknown-state' },
    ],
    [
      'unknown action',
      (p: Policy) => {
        states(p)['review']['entry'] = [{ type: 'sendSms', params: {} }];
      },
      { path: '/machine/states/review/entry/0/type', code: 'unknown-action' },
    ],
    [
      'action params that break its schema',
      (p: Policy) => {
        states(p)['pool']['entry'] = [{ type: 'tag', params: { add: '' } }];
      },
      { path: '/machine/states/pool/entry/0/params/add', code: 'invalid-params' },
    ],
    [
      'unknown rule in a guard',
      (p: Policy) => {
        states(p)['pool']['on'] = {
          CLAIM: [{ target: 'review', guard: 'isFifth' }, { target: 'owned' }],
          ASSIGN: 'owned',
        };
      },
      { path: '/machine/states/pool/on/CLAIM/0/guard', code: 'unknown-rule' },
    ],
    [
      'unknown operator',
      (p: Policy) => {
        p.rules!['isHard'] = { method: [{ var: 'entity' }, 'toString'] };
      },
      { path: '/rules/isHard/method', code: 'unknown-operator' },
    ],
    [
      'unknown delay',
      (p: Policy) => {
        states(p)['nurture']['after'] = { sixMonths: 'pool' };
      },
      { path: '/machine/states/nurture/after/sixMonths', code: 'unknown-delay' },
    ],
    [
      'unreachable state',
      (p: Policy) => {
        states(p)['archived'] = { type: 'final' };
      },
      { path: '/machine/states/archived', code: 'unreachable-state' },
    ],
    [
      'non-final state with no way out',
      (p: Policy) => {
        states(p)['review']['on'] = {};
      },
      { path: '/machine/states/review', code: 'no-exit' },
    ],
    [
      'pool state with no CLAIM or ASSIGN',
      (p: Policy) => {
        states(p)['pool']['on'] = { FOLLOW_UP: 'owned', ESCALATE: 'review' };
      },
      { path: '/machine/states/pool', code: 'pool-without-claim' },
    ],
    [
      'var path that is not an entity or instance field',
      (p: Policy) => {
        p.rules!['isHard'] = { '>=': [{ var: 'entity.revenue' }, 3] };
      },
      { path: '/rules/isHard/>=/0/var', code: 'unknown-var' },
    ],
    [
      'unknown calendar',
      (p: Policy) => {
        p.delays!['release'] = { days: 30, calendar: 'cn' };
      },
      { path: '/delays/release/calendar', code: 'unknown-calendar' },
    ],
    [
      'masked field that does not exist',
      (p: Policy) => {
        p.entity.maskedInPool = ['mobile'];
      },
      { path: '/entity/maskedInPool/0', code: 'unknown-field' },
    ],
    [
      'schema error: wrong type',
      (p: Policy) => {
        (p as unknown as { version: string }).version = 'one';
      },
      { path: '/version', code: 'schema' },
    ],
    [
      'schema error: unknown field',
      (p: Policy) => {
        (p.claim as Record<string, unknown>)['maxOwend'] = 5;
      },
      { path: '/claim/maxOwend', code: 'schema' },
    ],
  ])('reports one clear problem for %s', (_, change, expected) => {
    const problems = problemsAfter(change);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject(expected);
    expect(problems[0].message.length).toBeGreaterThan(10);
  });

  it('does not flag var paths inside map/filter scopes', () => {
    const problems = problemsAfter((p) => {
      p.rules!['manyVip'] = {
        some: [{ var: 'instance.tags' }, { '==': [{ var: '' }, 'vip'] }],
      };
    });
    expect(problems).toEqual([]);
  });

  it('compile throws one error that carries the problems', () => {
    const policy = template();
    policy.machine.initial = 'nowhere';
    try {
      compile(policy);
      expect.unreachable('compile should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      expect((e as EngineError).code).toBe('POOL_ERR_INVALID_POLICY');
      expect((e as EngineError).details).toEqual([
        expect.objectContaining({ path: '/machine/initial', code: 'unknown-state' }),
      ]);
    }
  });

  it('never throws on garbage', () => {
    for (const doc of [null, 42, 'policy', [], {}, { machine: 1 }]) {
      const result = validate(doc);
      expect(result.valid).toBe(false);
      expect(result.problems.length).toBeGreaterThan(0);
    }
  });
});
