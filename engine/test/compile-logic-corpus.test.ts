// Every template rule and seeded random rules, compiled, give what json-logic-js gives.
import { describe, expect, it } from 'vitest';
import { allowedOperators } from '../src/logic/json-logic.js';
import {
  data,
  expectSame,
  freezeClock,
  handData,
  NAMED_RULES,
  templates,
} from './compile-logic-helpers.js';

// Seeded random rules: operators at every arity, on literals and paths of the list data.
function randomRules(count: number, seed: number): unknown[] {
  let state = seed;
  const random = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(items: readonly T[]): T => items.at(Math.floor(random() * items.length)) as T;
  const literals = [0, 1, -1, 2.5, '', '0', '1', 'a', 'abc', true, false, null, [], [1, 2], ['a']];
  const paths = [
    '',
    'nums',
    'strs',
    'items',
    'groups',
    'entity.name',
    'entity.urgency',
    'instance.tags',
    'nope',
    'nums.0',
    'current',
    'accumulator',
    'qty',
    'members',
    'zero',
    'strOne',
    'emptyArr',
    'nil',
    'keys',
  ];
  const ops = allowedOperators();
  const node = (depth: number): unknown => {
    const roll = random();
    if (depth === 0 || roll < 0.2) return pick(literals);
    if (roll < 0.45) {
      return random() < 0.7 ? { var: pick(paths) } : { var: [pick(paths), pick(literals)] };
    }
    const op = pick(ops);
    if (op === 'rule') return { rule: pick(Object.keys(NAMED_RULES)) };
    const args = Array.from({ length: Math.floor(random() * 5) }, () => node(depth - 1));
    return { [op]: args.length === 1 && random() < 0.5 ? args[0] : args };
  };
  return Array.from({ length: count }, () => node(3));
}

describe('compiled JSON-logic matches json-logic-js', () => {
  freezeClock();
  it.each(templates.map((t) => [t.name, t] as const))(
    'every rule of the %s template',
    (_name, template) => {
      expect(template.logic.length).toBeGreaterThan(10);
      for (const logic of template.logic) {
        data.forEach((d, i) => expectSame(logic, d, template.rules, `data[${i}]`));
      }
    },
  );

  it('seeded random rules', () => {
    let values = 0;
    let errors = 0;
    for (const logic of randomRules(3000, 7)) {
      handData.forEach((d, i) => {
        if (expectSame(logic, d, NAMED_RULES, `handData[${i}]`)) values++;
        else errors++;
      });
    }
    // Mostly values: rules that only ever throw would compare little.
    expect(values).toBeGreaterThan(errors * 4);
  });
});
