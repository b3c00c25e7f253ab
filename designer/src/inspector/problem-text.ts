// A validation problem in the editor's language: Chinese by its code and params, and Ajv's schema
// errors in plain words in both languages, naming the field by the form's label.
import { NOT_BLANK, type Policy, type Problem } from '@poolflow/engine';
import { eventLabel } from '../canvas/edge-label.js';
import { actionTypeLabel, delayName, enumValueLabel } from '../i18n/editor-messages.js';
import { format, type Lang } from '../i18n/messages.js';
import {
  DURATION_ZH,
  INVALID_PARAMS_EN,
  PATH_WORDS,
  PROBLEMS_ZH,
  SCHEMA_WORDS,
  TYPE_WORDS,
} from '../i18n/problem-messages.js';
import { choiceWords, valueLabel } from '../workspace/field-labels.js';
import { fieldLabel } from './form-labels.js';

type Params = Problem['params'];

const pick = (pair: readonly [string, string], lang: Lang) => pair[lang === 'zh' ? 1 : 0];
const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** The field at a JSON pointer in the form's words: "Target state", "Label (English)", "Holidays, item 2". */
function fieldWords(path: string, lang: Lang): string {
  const tokens = path
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let end = tokens.length;
  while (end > 0 && /^\d+$/.test(tokens[end - 1] ?? '')) end--;
  if (end === 0) return pick(PATH_WORDS.policy, lang);
  const key = tokens[end - 1];
  const parent = end > 1 ? fieldLabel(tokens[end - 2], lang) : undefined;
  let words = fieldLabel(key, lang) ?? format(pick(PATH_WORDS.unknown, lang), { key });
  // A text's English or Chinese is named with the text it belongs to: "Label (English)".
  if ((key === 'en' || key === 'zh') && parent !== undefined) {
    words = format(pick(PATH_WORDS.language, lang), { field: parent, language: words });
  }
  if (end < tokens.length) {
    words = format(pick(PATH_WORDS.item, lang), { field: words, n: Number(tokens[end]) + 1 });
  }
  return words;
}

/**
 * A value a schema allows: a policy keyword's by its name; a record field's choice as the value to
 * write, with its Chinese name beside it where it has one (`manufacturing（制造）`).
 */
function valueWords(value: unknown, lang: Lang): string {
  const keyword = enumValueLabel(value, lang);
  if (keyword !== undefined) return keyword;
  if (typeof value !== 'string') return JSON.stringify(value);
  return choiceWords(value, lang);
}

function typeWords(value: unknown, lang: Lang): string {
  // Ajv gives a list of types as an array (the schema's) or joined by commas.
  const types = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return types
    .map((t) => (has(TYPE_WORDS, t) ? pick(TYPE_WORDS[t], lang) : t))
    .join(pick(PATH_WORDS.or, lang));
}

/**
 * An error of the inspector's own form (rjsf: `property` like `.label.en`, `name` the Ajv keyword) in
 * the same words as the Problems panel's: rjsf would show Ajv's English ("must have required property").
 */
export function formErrorText(
  error: { property?: string; name?: string; params?: Record<string, unknown> },
  lang: Lang,
): string {
  const path = (error.property ?? '')
    .replace(/\[['"]?([^'"\]]*)['"]?\]/g, '.$1')
    .replace(/\./g, '/');
  return schemaWords(path, { ...error.params, keyword: error.name }, lang);
}

/** A field named by its caller (a record's field by its title), else undefined for the form's words. */
export type FieldNamer = (path: string) => string | undefined;

/** An Ajv error (its keyword and params) in words. */
function schemaWords(path: string, params: Params, lang: Lang, field?: FieldNamer): string {
  const keyword = String(params['keyword']);
  const vars: Record<string, string | number> = {
    field: field?.(path) ?? fieldWords(path, lang),
  };
  let key = has(SCHEMA_WORDS, keyword) ? keyword : 'other';
  const limit = params['limit'];
  if (typeof limit === 'number') vars['limit'] = limit;
  if (keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    vars['allowed'] = params['allowedValues']
      .map((v) => valueWords(v, lang))
      .join(pick(PATH_WORDS.list, lang));
  }
  if (keyword === 'const') vars['allowed'] = valueWords(params['allowedValue'], lang);
  if (keyword === 'type') vars['type'] = typeWords(params['type'], lang);
  if (/^min(Length|Items|Properties)$/.test(keyword) && limit === 1) key = 'notEmpty';
  if (keyword === 'pattern') {
    if (params['pattern'] === NOT_BLANK) key = 'notBlank';
    else vars['pattern'] = String(params['pattern']);
  }
  if (keyword === 'format') vars['format'] = String(params['format']);
  if (keyword === 'uniqueItems') {
    const [first, second] = [Number(params['i']), Number(params['j'])].sort((a, b) => a - b);
    vars['first'] = first + 1;
    vars['second'] = second + 1;
  }
  if (keyword === 'propertyNames') vars['name'] = String(params['propertyName']);
  return format(pick(SCHEMA_WORDS[key], lang), vars);
}

function durationZh(ms: number): string {
  let rest = Math.round(ms);
  const parts: string[] = [];
  for (const [size, unit] of DURATION_ZH) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.join('') || '0毫秒';
}

/** A state by its Chinese label when it has one (the canvas shows that), else its identifier. */
function stateZh(policy: Policy | undefined, name: string): string {
  if (policy === undefined) return name;
  const states = policy.machine.states;
  const label = has(states, name) ? states[name]?.meta?.label?.zh : undefined;
  return label?.trim() ? label : name;
}

/** A field's allowed values as a list: each in quotes, by its Chinese name where it has one. */
function valuesZh(values: unknown[]): string {
  return values
    .map((v) => (typeof v === 'string' ? `“${valueLabel(v, 'zh')}”` : JSON.stringify(v)))
    .join(pick(PATH_WORDS.list, 'zh'));
}

/**
 * A problem's params as Chinese words: names localized, durations and types spelled out. Without the
 * policy (a routing's problems), states and events keep their identifiers.
 */
function wordsZh(params: Params, policy: Policy | undefined): Record<string, string> {
  const words: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const name = String(value);
    if (key === 'state') words[key] = stateZh(policy, name);
    else if (key === 'delay' || key === 'reference' || key === 'first')
      words[key] = delayName(name, 'zh') ?? name;
    else if (key === 'event') words[key] = policy ? eventLabel(policy, name, 'zh') : name;
    else if (key === 'action') words[key] = actionTypeLabel(name, 'zh');
    else if (key === 'direction')
      words[key] = pick(name === 'before' ? PATH_WORDS.before : PATH_WORDS.after, 'zh');
    else if ((key === 'ms' || key.endsWith('Ms')) && typeof value === 'number')
      words[key] = durationZh(value);
    else if (key === 'fieldTypes' || key === 'valueType') words[key] = typeWords(value, 'zh');
    else if (key === 'values' && Array.isArray(value)) words[key] = valuesZh(value);
    else words[key] = Array.isArray(value) ? value.join(pick(PATH_WORDS.list, 'zh')) : name;
  }
  return words;
}

/**
 * What the Problems panel says of a problem, in the editor's language. `field` names a path the
 * policy's form does not (a record's data: the import report's rows).
 */
export function problemText(
  problem: Problem,
  policy: Policy | undefined,
  lang: Lang,
  field?: FieldNamer,
): string {
  const { code, params } = problem;
  const schema = code === 'schema' || code === 'invalid-params';
  const detail = schema ? schemaWords(problem.path, params, lang, field) : '';
  if (lang === 'en') {
    if (code === 'schema') return detail;
    if (code === 'invalid-params') {
      return format(INVALID_PARAMS_EN, {
        action: actionTypeLabel(String(params['action']), 'en'),
        detail,
      });
    }
    return problem.message;
  }
  const template = PROBLEMS_ZH[code];
  const text = typeof template === 'string' ? template : template(params);
  // The words of a schema error are its detail: Ajv's params are not substituted themselves.
  return format(
    text,
    schema
      ? { action: actionTypeLabel(String(params['action']), 'zh'), detail }
      : wordsZh(params, policy),
  );
}
