import { describe, expect, it } from 'vitest';
import { uniqueKeys, uniqueValue, validate, type Policy } from '../src/index.js';
import { template } from './fixtures.js';

const problemsWith = (uniqueFields: string[], change?: (p: Policy) => void) => {
  const policy = template();
  policy.entity.uniqueFields = uniqueFields;
  change?.(policy);
  return validate(policy).problems;
};

describe('unique fields (查重)', () => {
  it('compares values as a rep reads them: full-width forms, case and spaces aside', () => {
    expect(uniqueValue('ＡＣＭＥ　Trading')).toBe('acmetrading');
    expect(uniqueValue('  acme  trading ')).toBe('acmetrading');
    expect(uniqueValue('138 0000 0000')).toBe(uniqueValue('13800000000'));
    expect(uniqueValue('华为技术')).toBe('华为技术');
    expect(uniqueValue(42)).toBe('42');
    // Blanks and non-scalar values have no key: they never collide.
    for (const blank of ['', '   ', null, undefined, true, {}, [], Number.NaN])
      expect(uniqueValue(blank)).toBeNull();
  });

  it("gives a record's keys in the policy's order, skipping absent and blank fields", () => {
    expect(
      uniqueKeys(['phone', 'name', 'level'], { name: ' Acme ', phone: '', industry: 'trade' }),
    ).toEqual([{ field: 'name', value: 'acme' }]);
    expect(uniqueKeys(undefined, { name: 'Acme' })).toEqual([]);
    // Inherited properties are not the record's fields.
    expect(uniqueKeys(['toString'], {})).toEqual([]);
  });

  it('accepts text and number fields, and names a field that is missing or of another type', () => {
    expect(problemsWith(['name', 'phone', 'urgency'])).toEqual([]);
    expect(problemsWith(['mobile'])).toMatchObject([
      { path: '/entity/uniqueFields/0', code: 'unknown-field', params: { field: 'mobile' } },
    ]);
    const problems = problemsWith(['name', 'tags'], (p) => {
      (p.entity.schema.properties as Record<string, unknown>)['tags'] = { type: 'array' };
    });
    expect(problems).toMatchObject([
      {
        path: '/entity/uniqueFields/1',
        code: 'unique-field-type',
        params: { field: 'tags', type: 'array' },
      },
    ]);
    expect(problems[0]?.message).toContain('"tags"');
  });

  it('refuses a set action that writes a unique field', () => {
    const problems = problemsWith(['name'], (p) => {
      const states = p.machine.states as Record<string, Record<string, unknown>>;
      states['won']['entry'] = [
        { type: 'set', params: { field: 'entity.name', value: 'renamed' } },
        { type: 'set', params: { field: 'entity.level', value: 'A' } },
      ];
    });
    expect(problems).toMatchObject([
      {
        path: '/machine/states/won/entry/0/params/field',
        code: 'unique-field-set',
        params: { field: 'name' },
      },
    ]);
  });

  it('keeps at most five fields, each once', () => {
    expect(problemsWith(['name', 'name'])).toMatchObject([
      { path: '/entity/uniqueFields', code: 'schema' },
    ]);
    const six = ['name', 'phone', 'urgency', 'level', 'industry', 'name'];
    expect(problemsWith(six).some((p) => p.path === '/entity/uniqueFields')).toBe(true);
  });
});
