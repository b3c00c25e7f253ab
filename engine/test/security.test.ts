import { describe, expect, it } from 'vitest';
import { EngineError, evaluate, validate } from '../src/index.js';
import { template } from './fixtures.js';

const data = { entity: { name: 'ACME' }, instance: { tags: [] }, user: { id: 'u1' }, now: 0 };

describe('JSON-logic hardening', () => {
  it.each([
    'constructor',
    'constructor.constructor',
    'entity.constructor',
    'entity.constructor.constructor',
    '__proto__',
    'entity.__proto__',
    'entity.name.length',
    'entity.toString',
    'instance.tags.push',
  ])('var "%s" reads nothing usable', (path) => {
    expect(evaluate({ var: path }, data)).toBeNull();
  });

  it('var still reads own properties, arrays included', () => {
    expect(evaluate({ var: 'entity.name' }, data)).toBe('ACME');
    expect(evaluate({ var: 'user.id' }, { ...data, user: { id: 'u7' } })).toBe('u7');
    expect(evaluate({ var: 'list.1' }, { list: ['a', 'b'] })).toBe('b');
  });

  it.each([
    [{ method: [{ var: 'entity.name' }, 'toUpperCase'] }, 'method'],
    [{ 'var.constructor': ['return process'] }, 'var.constructor'],
    [{ log: 'x' }, 'log'],
    [{ eval: '1+1' }, 'eval'],
    [{ if: [true, { 'method.call': [] }, 0] }, 'method.call'],
  ])('refuses operator outside the allow-list at evaluation: %j', (rule, op) => {
    let error: unknown;
    try {
      evaluate(rule, data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('POOL_ERR_INVALID_RULE');
    expect((error as EngineError).message).toContain(op);
  });

  it('publish-time validation rejects a policy that smuggles an operator in anywhere', () => {
    const policy = template();
    policy.score = { '+': [1, { 'var.constructor': ['return process.exit(1)'] }] };
    const { valid, problems } = validate(policy);
    expect(valid).toBe(false);
    expect(problems[0]).toMatchObject({
      path: '/score/+/1/var.constructor',
      code: 'unknown-operator',
    });
  });

  it('message templates read own properties only', async () => {
    const { renderText } = await import('../src/text.js');
    expect(renderText('{{entity.constructor}}|{{entity.name}}', data)).toBe('|ACME');
  });
});
