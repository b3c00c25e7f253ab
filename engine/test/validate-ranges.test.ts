// What validate() refuses beyond the schema: `var` paths through prototype members, delays and
// scenario times past the longest duration (100 years), saved scenarios that are no scenario.
import { describe, expect, it } from 'vitest';
import {
  checkScenario,
  compile,
  EngineError,
  simulate,
  start,
  validate,
  type Policy,
  type Scenario,
} from '../src/index.js';
import { addDuration, MAX_DURATION_MS } from '../src/duration.js';
import { T0, template } from './fixtures.js';

function thrown(run: () => unknown): EngineError {
  try {
    run();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected an EngineError');
}

const problemsAt = (policy: unknown) =>
  validate(policy).problems.map((p) => ({ path: p.path, code: p.code }));

describe('var paths through prototype members', () => {
  it.each(['user.attributes.constructor', 'entity.name.constructor', 'event.payload.__proto__'])(
    'refuses %s as unknown-var, naming the member',
    (path) => {
      const policy = template();
      policy.rules = { ...policy.rules, sneaky: { '==': [{ var: path }, 'x'] } };
      const problems = validate(policy).problems;
      expect(problems).toContainEqual(
        expect.objectContaining({
          path: '/rules/sneaky/==/0/var',
          code: 'unknown-var',
          params: expect.objectContaining({ field: path }) as unknown,
        }),
      );
      expect(problems.find((p) => p.path === '/rules/sneaky/==/0/var')?.message).toContain(
        'prototype member',
      );
    },
  );

  it('refuses an entity field named like a prototype member', () => {
    const policy = template();
    policy.entity.schema.properties['constructor'] = { type: 'string' };
    expect(problemsAt(policy)).toContainEqual({
      path: '/entity/schema/properties/constructor',
      code: 'schema',
    });
  });

  it('keeps a published version running: compile() of it does not refuse it', () => {
    const policy = template();
    policy.rules = {
      ...policy.rules,
      sneaky: { '==': [{ var: 'user.attributes.constructor' }, 'x'] },
    };
    expect(() => compile(policy, { published: true })).not.toThrow();
    expect(validate(policy, { breakage: false }).problems).toEqual([]);
  });
});

describe('delays past 100 years', () => {
  const withDelay = (delay: Record<string, unknown>): Policy => {
    const policy = template();
    (policy.delays as Record<string, unknown>)['release'] = delay;
    return policy;
  };

  it('refuses one literal amount past the bound, naming it; accepts the bound itself', () => {
    expect(problemsAt(withDelay({ days: 36_526 }))).toContainEqual({
      path: '/delays/release/days',
      code: 'schema',
    });
    expect(problemsAt(withDelay({ months: 1201 }))).toContainEqual({
      path: '/delays/release/months',
      code: 'schema',
    });
    expect(validate(withDelay({ days: 36_525 })).problems).toEqual([]);
    expect(validate(withDelay({ months: 1200 })).problems).toEqual([]);
  });

  it('refuses amounts that add up past the bound, naming the delay', () => {
    const problems = validate(withDelay({ days: 36_000, hours: 24 * 600 })).problems;
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: '/delays/release',
        code: 'schema',
        params: expect.objectContaining({ keyword: 'maximum', limit: MAX_DURATION_MS }) as unknown,
      }),
    );
  });

  it('refuses an absolute time JavaScript has no date for', () => {
    expect(problemsAt(withDelay({ until: 9e15 }))).toContainEqual({
      path: '/delays/release/until',
      code: 'schema',
    });
  });

  it('refuses at run time a rule-given amount past the bound (POOL_ERR_INVALID_DELAY), arming nothing', () => {
    const policy = withDelay({ days: { var: 'entity.wait' } });
    policy.entity.schema.properties['wait'] = { type: 'number' };
    const compiled = compile(policy);
    const error = thrown(() =>
      start(compiled, { entity: { name: 'ACME', wait: 1e9 }, now: T0, ownerId: 'u1' }),
    );
    expect(error.code).toBe('POOL_ERR_INVALID_DELAY');
    expect(error.status).toBe(422);
    expect(error.details).toMatchObject({ delay: 'release', limitMs: MAX_DURATION_MS });
    // Within the bound the record starts with its timer armed.
    const record = start(compiled, {
      entity: { name: 'ACME', wait: 30 },
      now: T0,
      ownerId: 'u1',
    });
    expect(Object.values(record.snapshot.timers).map((t) => t.dueAt)).toContain(
      T0 + 30 * 86_400_000,
    );
  });
});

describe('scenario times', () => {
  it('addDuration refuses a duration past 100 years instead of giving no date', () => {
    expect(addDuration(T0, 'P100Y')).toBeGreaterThan(T0);
    expect(() => addDuration(T0, 'P999999999Y')).toThrow(RangeError);
    expect(() => addDuration(T0, 'P36526D')).toThrow(/longer than 100 years/);
  });

  it('checkScenario names a step time past the bound; simulate refuses the scenario', () => {
    const scenario = {
      entity: { name: 'ACME', industry: 'trade' },
      owner: 'alice',
      users: { alice: {} },
      steps: [{ at: 'P1D' }, { at: 'P999999999Y', expect: { state: 'pool' } }],
    } as unknown as Scenario;
    expect(checkScenario(scenario)).toEqual([
      { path: '/steps/1/at', message: expect.stringContaining('100 years') as unknown },
    ]);
    const error = thrown(() => simulate(template(), scenario));
    expect(error.status).toBe(400);
  });
});

describe('saved scenarios', () => {
  it('validates each against the scenario schema, naming its index', () => {
    const policy = template();
    policy.scenarios = [{ name: 'fine', steps: [{ at: 'P1D' }] }, { name: 'no steps' }];
    expect(problemsAt(policy)).toContainEqual(
      expect.objectContaining({ path: expect.stringMatching(/^\/scenarios\/1/) as unknown }),
    );
    expect(problemsAt(policy).some((p) => p.path.startsWith('/scenarios/0'))).toBe(false);
  });

  it("names a template's {id, name, scenario} entry saved as it is listed", () => {
    const policy = template();
    const scenario = { name: 'wrapped', steps: [{ at: 'P1D' }] };
    policy.scenarios = [{ id: '01', name: 'wrapped', scenario }];
    const problems = validate(policy).problems;
    expect(problems).toEqual([
      expect.objectContaining({
        path: '/scenarios/0',
        message: expect.stringContaining('save its "scenario" object') as unknown,
      }),
    ]);
  });

  it('names a saved step time past the bound', () => {
    const policy = template();
    policy.scenarios = [{ name: 'far', steps: [{ at: 'P36526D' }] }];
    expect(problemsAt(policy)).toContainEqual({ path: '/scenarios/0/steps/0/at', code: 'schema' });
  });

  it('compile() of a version does not look at its scenarios: no record runs them', () => {
    const policy = template();
    policy.scenarios = [{ name: 'no steps' }];
    expect(() => compile(policy)).not.toThrow();
  });
});
