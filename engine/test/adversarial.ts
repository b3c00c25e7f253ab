// A seeded generator of costly rules (loops in loops, fan-out, string and array growth), as CRM policies.
import type { Policy } from '../src/index.js';
import { crmWith, range } from './attacks.js';

/** mulberry32: the same rules for the same seed. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const LOOPS = ['map', 'filter', 'all', 'some', 'none'] as const;

/** The runtime's body limit: a bigger policy never reaches validate() over HTTP. */
const MAX_DOCUMENT = 1024 * 1024;

/** One adversarial policy under 1 MiB: its rule as `score`, with the named rules it calls. */
export function adversarialPolicy(random: () => number): Policy {
  for (;;) {
    const policy = candidate(random);
    if (JSON.stringify(policy).length <= MAX_DOCUMENT) return policy;
  }
}

function candidate(random: () => number): Policy {
  const int = (max: number): number => Math.floor(random() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const rules: Record<string, unknown> = {};

  const list = (): unknown =>
    pick([
      () => range(1 + int(300)),
      () => ({ var: 'instance.tags' }),
      () => ({ merge: [range(1 + int(100)), range(1 + int(100))] }),
      () => ({ var: '' }),
      () => ({ map: [range(1 + int(200)), range(1 + int(50))] }),
    ])();

  const node = (depth: number): unknown => {
    if (depth <= 0) return pick([1, 'x', { var: '' }, { var: 'accumulator' }, [1, 2]]);
    return pick([
      // A loop over a list, its body one level down.
      () => ({ [pick(LOOPS)]: [list(), node(depth - 1)] }),
      // reduce growing its accumulator: doubling arrays, or strings.
      () => ({
        reduce: [
          list(),
          pick([
            { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] },
            { cat: [{ var: 'accumulator' }, { var: 'accumulator' }, 'ab'] },
            { merge: [{ var: 'accumulator' }, node(depth - 1)] },
            {
              if: [{ in: [{ var: 'current' }, { var: 'accumulator' }] }, { var: 'accumulator' }, 0],
            },
          ]),
          pick([[1], 'seed', range(int(1000))]),
        ],
      }),
      // Named rules fanning out `ways` ways, `levels` deep.
      () => {
        const ways = 1 + int(5);
        const levels = 1 + int(18);
        const prefix = `r${Object.keys(rules).length}_`;
        rules[`${prefix}0`] = node(depth - 1);
        for (let l = 1; l <= levels; l++) {
          rules[`${prefix}${l}`] = {
            merge: Array.from({ length: ways }, () => ({ rule: `${prefix}${l - 1}` })),
          };
        }
        return { rule: `${prefix}${levels}` };
      },
      // A deep if chain.
      () => {
        let chain: unknown = node(depth - 1);
        for (let i = 0, n = 1 + int(45); i < n; i++) chain = { if: [{ var: '' }, chain, i] };
        return chain;
      },
      // Wide arguments: the same costly child many times.
      () => {
        const child = node(depth - 1);
        return { merge: Array.from({ length: 1 + int(40) }, () => child) };
      },
      () => ({ cat: [node(depth - 1), node(depth - 1)] }),
    ])();
  };

  return crmWith({ length: node(2 + int(4)) }, rules);
}
