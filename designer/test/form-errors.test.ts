// A record's or an admin form's field errors, as rjsf validates them with Ajv and the forms word them:
// each keyword a field of a policy can carry reads as the user's words in either language, a select's
// value outside its options is said once, and a keyword without words keeps Ajv's message.
import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { describe, expect, it } from 'vitest';
import { plainFormErrors } from '../src/i18n/form-errors.js';
import { makeI18n } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';

const schema: RJSFSchema = {
  type: 'object',
  required: ['company'],
  properties: {
    company: { type: 'string', minLength: 1 },
    note: { type: 'string', maxLength: 5 },
    email: { type: 'string', format: 'email' },
    score: { type: 'integer', minimum: 0, maximum: 100 },
    discount: { type: 'number', exclusiveMinimum: 0 },
    stage: { type: 'string', oneOf: [{ const: 'new' }, { const: 'won' }] },
    tier: { type: 'string', enum: ['a', 'b'] },
    code: { type: 'string', pattern: '^[A-Z]{3}$' },
    tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: 2 },
    odd: { type: 'string', not: { const: 'x' } },
  },
};

const bad = {
  note: 'too long',
  email: 'nobody',
  score: 101,
  discount: 0,
  stage: 'lost',
  tier: 'c',
  code: 'ab1',
  tags: ['a', 'a', 'b'],
  odd: 'x',
};

/** The field errors a form shows, field by field, in `lang`. */
function shown(lang: Lang): Record<string, string[]> {
  const { errors } = validator.validateFormData(
    bad,
    schema,
    undefined,
    plainFormErrors(makeI18n(lang).t),
  );
  const byField: Record<string, string[]> = {};
  for (const e of errors) (byField[e.property ?? ''] ??= []).push(e.message ?? '');
  return byField;
}

describe('form field errors', () => {
  it('reads as plain English, one error a choice', () => {
    expect(shown('en')).toEqual({
      // rjsf names a missing property without the leading dot.
      company: ['Fill this in.'],
      '.note': ['At most 5 characters.'],
      '.email': ['Enter an e-mail address, like name@example.com.'],
      '.score': ['At most 100.'],
      '.discount': ['More than 0.'],
      '.stage': ['Choose one of the options.'],
      '.tier': ['Choose one of the options.'],
      '.code': ['Not in the expected form.'],
      '.tags': ['At most 2 entries.', 'Each entry only once.'],
      // No words for `not`: Ajv's own.
      '.odd': ['must NOT be valid'],
    });
  });

  it('reads as Chinese in 中文, with no Ajv English left but for a keyword it has no words for', () => {
    const zh = shown('zh');
    expect(zh['.note']).toEqual(['最多 5 个字符。']);
    expect(zh['.stage']).toEqual(['请从选项中选择一项。']);
    expect(zh['.discount']).toEqual(['必须大于 0。']);
    const english = Object.entries(zh)
      .filter(([field]) => field !== '.odd')
      .flatMap(([, messages]) => messages)
      .filter((m) => /must|should/.test(m));
    expect(english).toEqual([]);
  });
});
