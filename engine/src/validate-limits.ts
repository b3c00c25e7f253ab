// Static limits of validation: rules too deep, fanning out or recursing, and zero-length timer cycles.
import { referenceOf } from './delays.js';
import { nodeCount } from './logic/budget.js';
import { escapePointer } from './logic/json-logic.js';
import type { Delay, Policy, Transition, Transitions } from './schema.types.js';
import { relativeStaticMs } from './validate-breakage.js';
import type { Problem } from './validate.js';

/** The static limits validate() holds every rule to (the runtime budget is in budget.ts). */
export const RULE_LIMITS = Object.freeze({
  /** Operators nested in one rule. */
  maxDepth: 32,
  /** Nodes of a rule with its named-rule calls expanded (nodeCount: what one evaluation charges). */
  maxExpandedSize: 10_000,
  /** Named rules calling named rules (the evaluator stops past 16 as well). */
  maxCallDepth: 16,
  /** map/filter/reduce/all/some/none nested, through named rules too. */
  maxLoopNesting: 3,
  /** A cycle of timer (and eventless) transitions must take at least this long to go round. */
  minTimerCycleMs: 60_000,
  /** Nesting of the policy document as JSON, checked before anything walks it. */
  maxJsonDepth: 200,
});

const LOOPS = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);

interface Cost {
  /** Expanded node count. */
  size: number;
  /** Deepest named-rule call chain. */
  calls: number;
  /** Deepest loop nesting. */
  loops: number;
  /** Deepest operator nesting, named rules apart. */
  depth: number;
}

/** Where the document first nests deeper than `max`, or undefined. Iterative: no stack to blow. */
export function tooDeepAt(document: unknown, max = RULE_LIMITS.maxJsonDepth): string | undefined {
  // First without pointers (a policy of a megabyte has a lot of nodes), then the path if needed.
  if (!deeperThan(document, max)) return undefined;
  const stack: [unknown, string, number][] = [[document, '', 0]];
  while (stack.length > 0) {
    const [value, pointer, depth] = stack.pop() as [unknown, string, number];
    if (value === null || typeof value !== 'object') continue;
    if (depth >= max) return pointer;
    for (const [key, child] of Object.entries(value)) {
      stack.push([child, `${pointer}/${escapePointer(key)}`, depth + 1]);
    }
  }
  return undefined;
}

function deeperThan(document: unknown, max: number): boolean {
  const values: unknown[] = [document];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop() as number;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= max) return true;
    if (Array.isArray(value)) {
      for (const child of value) {
        if (child !== null && typeof child === 'object') {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key of Object.keys(value)) {
        const child = (value as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/**
 * Costs of rules: one walk per rule (named rules once, remembered), keeping the deepest levels in
 * fields rather than allocating a result per node (a policy of a megabyte has a lot of them).
 */
export class RuleCosts {
  private readonly costs = new Map<string, Cost>();
  private readonly inProgress = new Set<string>();
  /** Costs by rule object: a named rule is checked where it is defined and costed where called. */
  private readonly byObject = new WeakMap<object, Cost>();
  readonly recursive = new Set<string>();
  private calls = 0;
  private loops = 0;
  private depth = 0;

  constructor(private readonly rules: Readonly<Record<string, unknown>>) {}

  /** A named rule's cost, its call included; recursion is reported, not followed. */
  ofRule(name: string): Cost {
    const known = this.costs.get(name);
    if (known) return known;
    if (this.inProgress.has(name) || !Object.prototype.hasOwnProperty.call(this.rules, name)) {
      if (this.inProgress.has(name)) for (const n of this.inProgress) this.recursive.add(n);
      return { size: 1, calls: 0, loops: 0, depth: 0 };
    }
    this.inProgress.add(name);
    const cost = this.of(this.rules[name]);
    this.inProgress.delete(name);
    const withCall = { ...cost, calls: cost.calls + 1 };
    this.costs.set(name, withCall);
    return withCall;
  }

  /** A rule's cost: nodeCount with every `{rule: name}` replaced by the named rule's cost. */
  of(logic: unknown): Cost {
    const known =
      logic !== null && typeof logic === 'object' ? this.byObject.get(logic) : undefined;
    if (known) return known;
    const outer = [this.calls, this.loops, this.depth] as const;
    this.calls = 0;
    this.loops = 0;
    this.depth = 0;
    const size = this.walk(logic, 0, 0, 0);
    const cost = { size, calls: this.calls, loops: this.loops, depth: this.depth };
    [this.calls, this.loops, this.depth] = outer;
    // Not while a rule is in progress: a cost cut short by recursion must not be reused.
    if (logic !== null && typeof logic === 'object' && this.inProgress.size === 0) {
      this.byObject.set(logic, cost);
    }
    return cost;
  }

  private walk(logic: unknown, calls: number, loops: number, depth: number): number {
    if (logic === null || typeof logic !== 'object') return 1;
    if (Array.isArray(logic)) {
      let constant = true;
      for (const v of logic) if (v !== null && typeof v === 'object') constant = false;
      if (constant) return nodeCount(logic);
      let size = 1;
      for (const v of logic) size += this.walk(v, calls, loops, depth);
      return size;
    }
    const keys = Object.keys(logic);
    if (keys.length !== 1) {
      let size = 1;
      for (const key of keys) {
        size += this.walk((logic as Record<string, unknown>)[key], calls, loops, depth);
      }
      return size;
    }
    const op = keys[0] as string;
    const args = (logic as Record<string, unknown>)[op];
    const level = depth + 1;
    if (level > this.depth) this.depth = level;
    if (op === 'rule') {
      const name: unknown = Array.isArray(args) ? args[0] : args;
      if (typeof name !== 'string') return 2;
      const callee = this.ofRule(name);
      this.calls = Math.max(this.calls, calls + callee.calls);
      this.loops = Math.max(this.loops, loops + callee.loops);
      return 2 + callee.size;
    }
    if (LOOPS.has(op) && Array.isArray(args)) {
      let size = 2 + this.walk(args[0], calls, loops, level);
      if (loops + 1 > this.loops) this.loops = loops + 1;
      for (let i = 1; i < args.length; i++) size += this.walk(args[i], calls, loops + 1, level);
      return size;
    }
    return 1 + this.walk(args, calls, loops, level);
  }
}

/** The problems of one rule at `pointer`: depth, expanded size, call chain, loop nesting. */
export function ruleLimitProblems(logic: unknown, pointer: string, costs: RuleCosts): Problem[] {
  const problems: Problem[] = [];
  const cost = costs.of(logic);
  const depth = cost.depth;
  if (depth > RULE_LIMITS.maxDepth) {
    problems.push({
      path: pointer,
      code: 'rule-too-deep',
      message: `${pointer} nests ${depth} operators, more than ${RULE_LIMITS.maxDepth}`,
      params: { depth, limit: RULE_LIMITS.maxDepth },
    });
  }
  if (cost.calls > RULE_LIMITS.maxCallDepth) {
    problems.push({
      path: pointer,
      code: 'rule-too-deep',
      message: `${pointer} calls named rules ${cost.calls} deep, more than ${RULE_LIMITS.maxCallDepth}`,
      params: { calls: cost.calls, limit: RULE_LIMITS.maxCallDepth },
    });
  }
  if (cost.size > RULE_LIMITS.maxExpandedSize) {
    problems.push({
      path: pointer,
      code: 'rule-fan-out',
      message: `${pointer} expands to ${cost.size} nodes with its named rules, more than ${RULE_LIMITS.maxExpandedSize}`,
      params: { size: cost.size, limit: RULE_LIMITS.maxExpandedSize },
    });
  }
  if (cost.loops > RULE_LIMITS.maxLoopNesting) {
    problems.push({
      path: pointer,
      code: 'rule-nested-loops',
      message: `${pointer} nests ${cost.loops} map/filter/reduce/all/some/none, more than ${RULE_LIMITS.maxLoopNesting}`,
      params: { loops: cost.loops, limit: RULE_LIMITS.maxLoopNesting },
    });
  }
  return problems;
}

/** A delay's length when every field is a literal; undefined when computed (the runtime caps it). */
export function staticDelayMs(delay: Delay | undefined): number | undefined {
  if (delay === undefined) return undefined;
  const literal = (v: unknown): number | undefined =>
    v === undefined ? 0 : typeof v === 'number' ? v : undefined;
  // A literal `until` is an instant: once it has passed, the delay is 0.
  if (delay.until !== undefined) return literal(delay.until) === undefined ? undefined : 0;
  const parts = [
    [delay.months, 28 * 86_400_000],
    [delay.days, 86_400_000],
    [delay.hours, 3_600_000],
    [delay.minutes, 60_000],
    [delay.ms, 1],
  ] as const;
  let ms = 0;
  for (const [value, unit] of parts) {
    const n = literal(value);
    if (n === undefined) return undefined;
    ms += Math.max(0, n) * unit;
  }
  return ms;
}

function targets(value: Transitions | undefined): { target: string; at: string }[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [{ target: value, at: '' }];
  const list: Transition[] = Array.isArray(value) ? value : [value];
  return list.flatMap((t, i) =>
    t.target === undefined ? [] : [{ target: t.target, at: Array.isArray(value) ? `/${i}` : '' }],
  );
}

interface Edge {
  to: string;
  ms: number;
  at: string;
  timer: boolean;
}

/**
 * Cycles that go round without an event: timer transitions with literal delays and eventless
 * (`always`) ones. A cycle shorter than minTimerCycleMs through a timer is `timer-cycle` (the record
 * would step without end); one through `always` alone is `always-cycle` (XState would never return).
 */
export function timerCycleProblems(policy: Policy): Problem[] {
  const edges = new Map<string, Edge[]>();
  for (const [name, node] of Object.entries(policy.machine.states)) {
    const base = `/machine/states/${escapePointer(name)}`;
    const out: Edge[] = [];
    for (const [delay, t] of Object.entries(node.after ?? {})) {
      const definition = policy.delays?.[delay];
      // A relative delay's length is its reference's, moved: resolved from the delays it counts from.
      const ms =
        definition !== undefined && referenceOf(definition) !== undefined
          ? relativeStaticMs(delay, policy.delays ?? {})
          : staticDelayMs(definition);
      if (ms === undefined) continue;
      for (const { target, at } of targets(t)) {
        out.push({ to: target, ms, at: `${base}/after/${escapePointer(delay)}${at}`, timer: true });
      }
    }
    for (const { target, at } of targets(node.always)) {
      out.push({ to: target, ms: 0, at: `${base}/always${at}`, timer: false });
    }
    edges.set(name, out);
  }
  const problems: Problem[] = [];
  const reported = new Set<string>();
  for (const [from, list] of edges) {
    for (const edge of list) {
      const back = shortest(edges, edge.to, from, edge.timer ? RULE_LIMITS.minTimerCycleMs : 1);
      if (back === undefined || edge.ms + back >= (edge.timer ? RULE_LIMITS.minTimerCycleMs : 1))
        continue;
      if (reported.has(edge.at)) continue;
      reported.add(edge.at);
      problems.push(
        edge.timer
          ? {
              path: edge.at,
              code: 'timer-cycle',
              message: `${edge.at} goes round to "${from}" in ${edge.ms + back} ms, less than ${RULE_LIMITS.minTimerCycleMs} ms: the record would step without end`,
              params: { state: from, ms: edge.ms + back, limitMs: RULE_LIMITS.minTimerCycleMs },
            }
          : {
              path: edge.at,
              code: 'always-cycle',
              message: `${edge.at} goes round to "${from}" through eventless transitions only`,
              params: { state: from },
            },
      );
    }
  }
  return problems;
}

/** Shortest time from `from` to `to` over the edges, if under `bound` (Dijkstra on a small graph). */
function shortest(
  edges: Map<string, Edge[]>,
  from: string,
  to: string,
  bound: number,
): number | undefined {
  const best = new Map<string, number>([[from, 0]]);
  const done = new Set<string>();
  for (;;) {
    let node: string | undefined;
    let d = Infinity;
    for (const [n, v] of best) if (!done.has(n) && v < d) [node, d] = [n, v];
    if (node === undefined || d >= bound) return undefined;
    if (node === to) return d;
    done.add(node);
    for (const e of edges.get(node) ?? []) {
      const next = d + e.ms;
      if (next < (best.get(e.to) ?? Infinity)) best.set(e.to, next);
    }
  }
}
