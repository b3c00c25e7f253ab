// The costly rules of issue 10, as CRM policies: shared by the engine tests, the runtime test and the stall bench.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../src/index.js';

const crmFile = join(
  import.meta.dirname,
  '..',
  '..',
  'templates',
  'crm-customer-pool',
  'policy.json',
);

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The CRM template with `score` replaced and `rules` added. */
export function crmWith(score: unknown, rules: Record<string, unknown> = {}): Policy {
  const policy = JSON.parse(readFileSync(crmFile, 'utf8')) as Policy;
  policy.rules = { ...policy.rules, ...(rules as Policy['rules']) };
  (policy as { score: unknown }).score = score;
  return policy;
}

/** Named rules that each call the level below `ways` times, `levels` deep (ways^levels calls). */
export function fanOut(ways: number, levels: number): Policy {
  const rules: Record<string, unknown> = { fan0: { '+': [1, 1] } };
  for (let l = 1; l <= levels; l++) {
    rules[`fan${l}`] = { '+': Array.from({ length: ways }, () => ({ rule: `fan${l - 1}` })) };
  }
  return crmWith({ rule: `fan${levels}` }, rules);
}

/** `map` nested `depth` deep, each over `items` literal items (items^depth evaluations). */
export function nestedMap(depth: number, items: number): Policy {
  let body: unknown = 1;
  for (let i = 0; i < depth; i++) body = { map: [range(items), body] };
  return crmWith({ length: body });
}

/** `reduce` doubling its accumulator with `merge` at each of `steps` steps (2^steps elements). */
export function reduceDoubling(steps: number): Policy {
  return crmWith({
    length: {
      reduce: [range(steps), { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]],
    },
  });
}

/** `cat` growing a string by `chunk` at each of `steps` steps. */
export function catGrowth(steps: number, chunk = 'xxxxxxxxxxxxxxxx'): Policy {
  return crmWith({
    length: { reduce: [range(steps), { cat: [{ var: 'accumulator' }, chunk] }, ''] },
  });
}

/** An `if` chain `depth` deep. */
export function deepIf(depth: number): Policy {
  let rule: unknown = 0;
  for (let i = 0; i < depth; i++) rule = { if: [{ '>': [{ var: 'entity.urgency' }, i] }, i, rule] };
  return crmWith(rule);
}

/** The issue's attacks and a few more, by name. */
export function issueAttacks(): [string, Policy][] {
  return [
    ['named rules fanning out 3 ways over 16 levels', fanOut(3, 16)],
    ['named rules fanning out 4 ways over 16 levels', fanOut(4, 16)],
    ['map nested 5 deep over 100 items', nestedMap(5, 100)],
    ['map nested 3 deep over 100 items', nestedMap(3, 100)],
    ['reduce doubling an array with merge, 40 times', reduceDoubling(40)],
    ['cat growing a string over 10,000 steps', catGrowth(10_000)],
    ['an if chain 200 deep', deepIf(200)],
    ['named rules fanning out 2 ways over 12 levels', fanOut(2, 12)],
  ];
}
