import { describe, expect, it } from 'vitest';
import {
  compile,
  compileRouting,
  EngineError,
  route,
  routeRelease,
  simulate,
  start,
  step,
  validateRouting,
} from '../src/index.js';
import type { Scenario } from '../src/index.js';
import { DAY, T0, template } from './fixtures.js';
import { byIndustry, hardToSeniors, noPhone, nurture } from './routing-fixtures.js';

const crm = compile(template());
const routing = { admission: [noPhone], rules: [hardToSeniors, nurture, byIndustry('finance')] };
const compiled = compileRouting(routing, crm.rules);
const lead = (entity: Record<string, unknown>) => {
  const started = start(crm, { entity, now: T0, ownerId: null, recordId: 'r1' });
  return { entity, instance: started.snapshot.instance, now: T0 };
};

describe('routing rules', () => {
  it('refuses at the door by the first admission rule that holds, naming it', () => {
    expect(route(compiled, lead({ name: 'No phone', industry: 'trade' }), 'create')).toEqual({
      refused: { rule: 'no-phone', message: noPhone.message },
    });
  });

  it('picks the first create rule that holds; none: the record stays', () => {
    const phone = '13800000000';
    expect(
      route(compiled, lead({ name: 'a', phone, level: 'C', industry: 'trade' }), 'create'),
    ).toEqual({
      pool: 'nurture',
      rule: 'nurture',
    });
    // Level C in finance is a target: the nurture rule is false, the finance rule holds.
    expect(
      route(compiled, lead({ name: 'b', phone, level: 'C', industry: 'finance' }), 'create'),
    ).toEqual({
      pool: 'finance',
      rule: 'finance',
    });
    expect(
      route(compiled, lead({ name: 'c', phone, level: 'A', industry: 'trade' }), 'create'),
    ).toBeNull();
    // Admission and create-only rules are not for releases.
    expect(
      route(compiled, lead({ name: 'd', level: 'C', industry: 'trade' }), 'release'),
    ).toBeNull();
  });

  it('routes a release of a hard record to the seniors, in the step that releases it', () => {
    const entity = { name: 'Wuhan Steel Parts', industry: 'manufacturing', phone: '1' };
    let snapshot = start(crm, { entity, now: T0, ownerId: 'alice', recordId: 'r1' }).snapshot;
    const release = () => {
      const [timerKey, timer] = Object.entries(snapshot.timers).find(([k]) =>
        k.includes('release'),
      )!;
      const r = step(
        crm,
        snapshot,
        { type: timerKey, timerKey, dueAt: timer.dueAt },
        { entity, now: timer.dueAt, recordId: 'r1' },
      );
      return {
        ...routeRelease(crm, compiled, r, { entity, now: timer.dueAt, recordId: 'r1' }),
        at: timer.dueAt,
      };
    };
    for (const claimant of ['bob', 'carol']) {
      const { result, routed, at } = release();
      expect(routed).toBeNull(); // released, not hard yet
      snapshot = step(
        crm,
        result.snapshot,
        { type: 'CLAIM' },
        { entity, now: at + DAY, user: { id: claimant }, recordId: 'r1' },
      ).snapshot;
    }
    const { result, routed } = release();
    expect(result.snapshot.instance.tags).toContain('hard');
    expect(routed).toEqual({ pool: 'seniors', rule: 'hard' });
    expect(result.effects.filter((e) => e.type === 'moveToPool')).toEqual([
      {
        type: 'moveToPool',
        pool: 'seniors',
        key: `r1:${result.snapshot.seq}:${result.effects.length - 1}`,
      },
    ]);
    // A step that is no release (a claim) is never routed.
    const claimed = step(
      crm,
      result.snapshot,
      { type: 'CLAIM' },
      {
        entity,
        now: T0 + 200 * DAY,
        user: { id: 'sam', attributes: { seniority: 'senior' } },
        recordId: 'r1',
      },
    );
    expect(
      routeRelease(crm, compiled, claimed, { entity, now: T0 + 200 * DAY, recordId: 'r1' }).routed,
    ).toBeNull();
  });

  it('names every bad field of a routing document', () => {
    const problems = validateRouting({
      admission: [{ name: 'x', when: true }],
      rules: [
        { name: 'a', when: { eval: ['1'] }, pool: 'p' },
        { name: 'a', when: true, pool: 'Not A Key' },
        { name: 'b', when: true, pool: 'p', on: ['sometimes'] },
      ],
    }).map((p) => p.path);
    expect(problems).toEqual(
      expect.arrayContaining(['/admission/0/message', '/rules/1/pool', '/rules/2/on/0']),
    );
    expect(
      validateRouting({
        rules: [
          { name: 'a', when: { eval: ['1'] }, pool: 'p' },
          { name: 'a', when: true, pool: 'q' },
        ],
      }).map((p) => p.path),
    ).toEqual(['/rules/0/when/eval', '/rules/1/name']);
    expect(
      validateRouting({
        rules: Array.from({ length: 51 }, (_, i) => ({ name: `r${i}`, when: true, pool: 'p' })),
      })[0]?.path,
    ).toBe('/rules');
    // Against the pool's policy, a rule reads only its fields, as the policy's own rules do.
    const typo = {
      rules: [{ name: 'east', when: { '==': [{ var: 'entity.regoin' }, 'east'] }, pool: 'p' }],
    };
    expect(validateRouting(typo).map((p) => p.path)).toEqual([]);
    expect(validateRouting(typo, crm.rules, crm.policy).map((p) => p.path)).toEqual([
      '/rules/0/when/==/0/var',
    ]);
    expect(() => compileRouting({ rules: [{ name: 'a', when: { eval: [] }, pool: 'p' }] })).toThrow(
      EngineError,
    );
  });

  it('runs rules under the rule budget, naming the rule', () => {
    const heavy = compileRouting({
      rules: [
        {
          name: 'heavy',
          when: { reduce: [{ var: 'entity.list' }, { '+': [{ var: 'accumulator' }, 1] }, 0] },
          pool: 'p',
        },
      ],
    });
    const data = lead({ name: 'a', list: Array<number>(200_000).fill(1) });
    expect(() => route(heavy, data, 'create')).toThrow(/routing heavy/);
  });

  it('lets a scenario assert where a record is routed, at the start and on release', () => {
    const scenario: Scenario = {
      pool: 'crm',
      routing,
      users: { sam: { attributes: { seniority: 'senior' } } },
      entity: { name: 'Wuhan Steel Parts', industry: 'manufacturing', phone: '1', level: 'B' },
      owner: 'alice',
      steps: [
        { at: 'P30D', expect: { state: 'pool', pool: 'crm', routedBy: null } },
        { at: 'P31D', actor: 'bob', event: { type: 'CLAIM' } },
        { at: 'P62D', actor: 'carol', event: { type: 'CLAIM' } },
        {
          at: 'P92D',
          expect: { state: 'pool', tagsInclude: ['hard'], pool: 'seniors', routedBy: 'hard' },
        },
      ],
    };
    const result = simulate(crm, scenario);
    expect(result.failures).toEqual([]);
    const nurtured = simulate(crm, {
      routing,
      entity: { name: 'Small shop', industry: 'retail', phone: '1', level: 'C' },
      owner: null,
      steps: [{ at: 'PT0S', expect: { pool: 'nurture', routedBy: 'nurture' } }],
    });
    expect(nurtured.failures).toEqual([]);
    const refused = simulate(crm, {
      routing,
      entity: { name: 'No phone', industry: 'retail' },
      steps: [
        { at: 'PT0S', expect: { rejected: 'POOL_ERR_NOT_ADMITTED' } },
        { at: 'P1D', actor: 'bob', event: { type: 'CLAIM' } },
      ],
    });
    expect(refused.ok).toBe(true);
    expect(refused.trace).toHaveLength(1);
    expect(refused.trace[0].rejected?.code).toBe('POOL_ERR_NOT_ADMITTED');
    const unexpected = simulate(crm, {
      routing,
      entity: { name: 'No phone' },
      steps: [{ at: 'P1D' }],
    });
    expect(unexpected.failures.map((f) => f.field)).toEqual(['rejected']);
  });
});
