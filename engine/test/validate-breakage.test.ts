// Silent breakage caught by validate(): bad relative delays, timers that never fire, constant and mistyped rules.
import { describe, expect, it } from 'vitest';
import { compile, EngineError, evaluate, truthy, validate, type Policy } from '../src/index.js';
import { template } from './fixtures.js';

type Problems = { path: string; code: string; message: string }[];

function problemsAfter(change: (p: Policy) => void, id = 'crm-customer-pool'): Problems {
  const policy = template(id);
  change(policy);
  return validate(policy).problems;
}

const owned = (p: Policy) => p.machine.states['owned'] as { after: Record<string, unknown> };
const states = (p: Policy) => p.machine.states as Record<string, Record<string, unknown>>;

describe('the templates', () => {
  it.each(['crm-customer-pool', 'hr-candidate-pool', 'service-ticket-pool'])(
    '%s has no problems',
    (id) => {
      expect(validate(template(id))).toMatchObject({ valid: true, problems: [] });
    },
  );
});

describe('relative delays', () => {
  it('refuses a reference to an unknown delay (delay-unknown-reference)', () => {
    const problems = problemsAfter((p) => {
      p.delays!['remind'] = { before: 'relase', days: 7 };
    });
    expect(problems).toEqual([
      expect.objectContaining({ path: '/delays/remind/before', code: 'delay-unknown-reference' }),
    ]);
  });

  it('refuses a reference the state does not arm (delay-reference-not-armed)', () => {
    const problems = problemsAfter((p) => {
      p.delays!['remind'] = { before: 'nurtureEnd', days: 7 };
    });
    expect(problems).toEqual([
      expect.objectContaining({
        path: '/machine/states/owned/after/remind',
        code: 'delay-reference-not-armed',
      }),
    ]);
  });

  it('refuses a cycle (delay-reference-cycle), both directions, until and calendar beside them', () => {
    const problems = problemsAfter((p) => {
      p.delays!['release'] = { after: 'remind', days: 7 };
    });
    expect(problems.map((x) => [x.path, x.code])).toEqual([
      ['/delays/remind/before', 'delay-reference-cycle'],
      ['/delays/release/after', 'delay-reference-cycle'],
    ]);
    const mixed = problemsAfter((p) => {
      p.calendars = {
        cn: {
          timeZone: 'Asia/Shanghai',
          workingDays: [1, 2, 3, 4, 5],
          hours: { start: '09:00', end: '18:00' },
        },
      };
      p.delays!['remind'] = {
        before: 'release',
        after: 'release',
        days: 7,
        until: 5,
        calendar: 'cn',
      };
    });
    // A calendar beside a reference is no problem: the amount is working time (the SLA warning).
    expect(mixed.map((x) => [x.path, x.code])).toEqual([
      ['/delays/remind/after', 'delay-relative-invalid'],
      ['/delays/remind/until', 'delay-relative-invalid'],
    ]);
  });

  it('compile refuses them, naming the delay', () => {
    const policy = template();
    policy.delays!['remind'] = { before: 'relase', days: 7 };
    expect(() => compile(policy)).toThrow(EngineError);
    expect(() => compile(policy)).toThrow(/relase/);
  });
});

describe('timer-never-fires', () => {
  it('HR: release cut to 45 days with a reminder fixed at 53 days', () => {
    const problems = problemsAfter((p) => {
      p.delays!['release'] = { days: 45 };
      p.delays!['remind'] = { days: 53 };
    }, 'hr-candidate-pool');
    expect(problems).toEqual([
      {
        path: '/machine/states/owned/after/remind',
        code: 'timer-never-fires',
        message:
          'timer "remind" can never fire in state "owned": "release" always leaves the state first ("release" is due after 45 days, "remind" after 53 days)',
        params: {
          delay: 'remind',
          state: 'owned',
          first: 'release',
          firstMs: 45 * 86_400_000,
          delayMs: 53 * 86_400_000,
        },
      },
    ]);
    // The relative reminder of the template follows the release: no problem.
    expect(
      problemsAfter((p) => (p.delays!['release'] = { days: 45 }), 'hr-candidate-pool'),
    ).toEqual([]);
  });

  it('a timer "after release" never fires when release leaves the state', () => {
    const problems = problemsAfter((p) => {
      p.delays!['late'] = { after: 'release', hours: 2 };
      owned(p).after['late'] = { actions: [{ type: 'tag', params: { add: 'late' } }] };
    });
    expect(problems).toEqual([
      expect.objectContaining({
        path: '/machine/states/owned/after/late',
        code: 'timer-never-fires',
        message: expect.stringContaining('"release" always leaves the state first') as string,
      }),
    ]);
  });

  it('no problem when the earlier timer is guarded, has no target, or the times are computed', () => {
    const later = (p: Policy) => {
      p.delays!['remind'] = { days: 40 };
    };
    expect(problemsAfter(later).map((x) => x.code)).toEqual(['timer-never-fires']);
    expect(
      problemsAfter((p) => {
        later(p);
        owned(p).after['release'] = { target: 'pool', guard: 'isHard' };
      }),
    ).toEqual([]);
    expect(
      problemsAfter((p) => {
        later(p);
        p.delays!['release'] = { days: { var: 'entity.urgency' } };
      }),
    ).toEqual([]);
    // Equal times: which fires first is not known, so it is not reported.
    expect(problemsAfter((p) => (p.delays!['remind'] = { days: 30 }))).toEqual([]);
  });
});

describe('rule-constant', () => {
  it.each([
    [{ '==': [1, 2] }, 'false'],
    [{ and: [true, false] }, 'false'],
    [{ '!': true }, 'false'],
    [false, 'false'],
    [{ or: [{ var: 'instance.claims' }, { '<': [1, 2] }] }, 'true'],
    [{ and: [{ var: 'instance.claims' }, { '!': [{ '+': [1, 1] }] }] }, 'false'],
    [{ if: [{ '>': [3, 2] }, false, { var: 'instance.claims' }] }, 'false'],
  ])('claim rule %j is always %s', (eligible, truth) => {
    // The folding agrees with the evaluator, whatever the record.
    for (const claims of [0, 7]) {
      const data = { entity: {}, instance: { claims }, user: null, event: null, now: 0 };
      expect(String(truthy(evaluate(eligible, data)))).toBe(truth);
    }
    const problems = problemsAfter((p) => (p.claim!.eligible = eligible));
    expect(problems).toEqual([
      expect.objectContaining({
        path: '/claim/eligible',
        code: 'rule-constant',
        message: expect.stringContaining(`always ${truth}`) as string,
      }),
    ]);
  });

  it('entity.name == "" on a required name of minLength 1 is always false (the issue\'s half-built rule)', () => {
    const problems = problemsAfter((p) => {
      p.claim!.eligible = { '==': [{ var: 'entity.name' }, ''] };
    });
    expect(problems).toEqual([
      {
        path: '/claim/eligible',
        code: 'rule-constant',
        message: 'this claim rule is always false whatever the record: nobody can claim',
        params: { what: 'claim rule', truth: false },
      },
    ]);
    // An optional field may be empty: not constant.
    expect(
      problemsAfter((p) => (p.claim!.eligible = { '==': [{ var: 'entity.phone' }, ''] })),
    ).toEqual([]);
  });

  it('a named rule used as a guard, and inline guards, are folded; rules reading data are not', () => {
    const problems = problemsAfter((p) => {
      p.rules!['isFifthClaim'] = { '>=': [3, 4] };
      (states(p)['owned']['on'] as Record<string, unknown>)['WIN'] = {
        target: 'won',
        guard: { '!': [{ '==': ['a', 'a'] }] },
      };
    });
    expect(problems.map((x) => [x.path, x.code, x.message.split(':')[0]])).toEqual([
      [
        '/machine/states/owned/on/WIN/guard',
        'rule-constant',
        'this guard is always false whatever the record',
      ],
      [
        '/machine/states/pool/on/CLAIM/0/guard',
        'rule-constant',
        'guard rule "isFifthClaim" is always false whatever the record',
      ],
    ]);
    expect(
      problemsAfter((p) => (p.claim!.eligible = { '==': [{ var: 'entity.name' }, 'x'] })),
    ).toEqual([]);
  });

  it('folding named rules stays linear: rules that call rules twice over', () => {
    const policy = template();
    for (let i = 0; i < 30; i++)
      policy.rules![`r${i}`] =
        i === 0 ? { '==': [1, 1] } : { and: [{ rule: `r${i - 1}` }, { rule: `r${i - 1}` }] };
    policy.claim!.eligible = { rule: 'r29' };
    const started = performance.now();
    const codes = validate(policy).problems.map((p) => p.code);
    expect(codes).toContain('rule-constant');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('rule-type-mismatch', () => {
  it("a value outside the field's enum", () => {
    const problems = problemsAfter((p) => {
      p.rules!['isBank'] = { '==': [{ var: 'entity.industry' }, 'banking'] };
    });
    expect(problems).toEqual([
      expect.objectContaining({
        path: '/rules/isBank/==/1',
        code: 'rule-type-mismatch',
        message: expect.stringContaining('"banking" is not one of its values') as string,
      }),
    ]);
  });

  it.each([
    ['==', [{ var: 'entity.name' }, 5], '/==/1'],
    ['<', ['high', { var: 'entity.urgency' }], '/</0'],
    ['!==', [{ var: 'entity.urgency' }, '3'], '/!==/1'],
    ['in', [{ var: 'entity.level' }, ['A', 'D']], '/in/1/1'],
  ])('%s comparing a field with a literal of another type or value', (op, args, at) => {
    const problems = problemsAfter((p) => (p.claim!.eligible = { [op]: args }));
    expect(problems.map((x) => [x.path, x.code])).toEqual([
      [`/claim/eligible${at}`, 'rule-type-mismatch'],
    ]);
  });

  it('no problem for matching values, null checks, computed values or items of map/filter', () => {
    expect(
      problemsAfter((p) => {
        p.claim!.eligible = {
          and: [
            { '==': [{ var: 'entity.industry' }, 'finance'] },
            { '>=': [{ var: 'entity.urgency' }, 3] },
            { '!=': [{ var: 'entity.phone' }, null] },
            { in: [{ var: 'entity.level' }, ['A', 'B']] },
            { some: [{ var: 'instance.tags' }, { '==': [{ var: '' }, 'hard'] }] },
          ],
        };
      }),
    ).toEqual([]);
  });
});

describe('timer cycles through relative delays', () => {
  it('a self-loop "1 minute after" a timer of 0 is measured from the entry: timer-cycle', () => {
    const problems = problemsAfter((p) => {
      p.delays!['zero'] = { ms: 0 };
      p.delays!['loop'] = { after: 'zero', ms: 30_000 };
      owned(p).after = {
        ...owned(p).after,
        zero: { actions: [] },
        loop: { target: 'owned', reenter: true },
      };
    });
    expect(problems.map((x) => x.code)).toContain('timer-cycle');
    // Counted from the 30-day release, the loop takes 30 days: no cycle.
    const slow = problemsAfter((p) => {
      p.delays!['loop'] = { after: 'release', ms: 30_000 };
      owned(p).after = { ...owned(p).after, loop: { target: 'owned', reenter: true } };
    });
    expect(slow.map((x) => x.code)).not.toContain('timer-cycle');
  });
});

describe('versions published before these checks', () => {
  it('compile refuses a new policy with them, and still compiles a published version with them', () => {
    const policy = template('hr-candidate-pool');
    policy.delays!['release'] = { days: 45 };
    policy.delays!['remind'] = { days: 53 };
    expect(() => compile(policy)).toThrow(/timer "remind" can never fire/);
    expect(compile(policy, { published: true }).policy).toBe(policy);
    expect(validate(policy, { breakage: false })).toEqual({
      valid: true,
      problems: [],
      warnings: [],
    });
    // A relative delay that cannot run is refused either way.
    policy.delays!['remind'] = { before: 'relase', days: 7 };
    expect(() => compile(policy, { published: true })).toThrow(EngineError);
  });
});

describe('names of only blanks', () => {
  it('refuses a policy name or a state label of only blanks, which the lists showed empty', () => {
    const problems = problemsAfter((p) => {
      p.name = { en: '   ', zh: '客户公海' };
      p.machine.states['review'].meta = { label: { en: ' \t' } };
    });
    expect(problems).toEqual([
      {
        path: '/name/en',
        code: 'blank-name',
        message: 'the policy name must not be blank',
        params: {},
      },
      {
        path: '/machine/states/review/meta/label/en',
        code: 'blank-name',
        message: 'state "review" has a label of only blanks',
        params: { state: 'review' },
      },
    ]);
  });

  it('still compiles a version published with such a name, so its records keep running', () => {
    const policy = template('crm-customer-pool');
    policy.name = { en: ' ' };
    expect(() => compile(policy)).toThrow(EngineError);
    expect(() => compile(policy, { published: true })).not.toThrow();
  });
});

describe('transition-does-nothing', () => {
  it('an event with no target and no action is refused in its state: validate says so', () => {
    const problems = problemsAfter((p) => {
      (states(p)['inProgress']['on'] as Record<string, unknown>)['RESPOND'] = { actions: [] };
    }, 'service-ticket-pool');
    expect(problems).toEqual([
      expect.objectContaining({
        path: '/machine/states/inProgress/on/RESPOND',
        code: 'transition-does-nothing',
      }),
    ]);
    // And the runtime refuses it: XState takes such a transition as forbidding the event.
    expect(problems[0].message).toContain('refused');
  });

  it('no problem for a transition with a target or an action, nor for a guarded list that has one', () => {
    expect(
      problemsAfter((p) => {
        (states(p)['inProgress']['on'] as Record<string, unknown>)['RESPOND'] = [
          { guard: { '==': [{ var: 'entity.subject' }, 'x'] }, target: 'resolved' },
          { actions: [{ type: 'tag', params: { add: 'replied' } }] },
        ];
      }, 'service-ticket-pool'),
    ).toEqual([]);
  });
});
