// Validation of silent breakage: bad relative delays, timers that never fire, constant and mistyped rules.
import { referenceOf } from './delays.js';
import { LogicFolder, truthOf } from './fold-logic.js';
import { escapePointer } from './logic/json-logic.js';
import type { Delay, Policy, Transitions } from './schema.types.js';
import type { JsonObject } from './types.js';
import type { Problem } from './validate.js';
import { guardLogic, guards, transitionList } from './policy-guards.js';
import { typeMismatchProblems } from './validate-types.js';

const DAY = 86_400_000;
const UNITS = [
  ['days', DAY],
  ['hours', 3_600_000],
  ['minutes', 60_000],
  ['ms', 1],
] as const;

function has(object: object | undefined, key: string): boolean {
  return object !== undefined && Object.prototype.hasOwnProperty.call(object, key);
}

/** Problems of relative delays: unknown or cyclic references, `until` beside them, unarmed. */
function relativeDelayProblems(policy: Policy): Problem[] {
  const problems: Problem[] = [];
  const delays = policy.delays ?? {};
  for (const [name, delay] of Object.entries(delays)) {
    const reference = referenceOf(delay);
    if (reference === undefined) continue;
    const field = reference.sign < 0 ? 'before' : 'after';
    const at = `/delays/${escapePointer(name)}`;
    if (delay.before !== undefined && delay.after !== undefined) {
      problems.push({
        path: `${at}/after`,
        code: 'delay-relative-invalid',
        message: `delay "${name}" counts both before and after another delay: keep one`,
        params: { delay: name, beside: 'before' },
      });
    }
    // A calendar beside it is allowed: the amount is then working time before or after the reference.
    if (delay.until !== undefined) {
      problems.push({
        path: `${at}/until`,
        code: 'delay-relative-invalid',
        message: `delay "${name}" counts ${field} "${reference.name}": it cannot also have an until time`,
        params: { delay: name, direction: field, reference: reference.name, beside: 'until' },
      });
    }
    if (!has(delays, reference.name)) {
      problems.push({
        path: `${at}/${field}`,
        code: 'delay-unknown-reference',
        message: `delay "${name}" counts ${field} delay "${reference.name}", which is not defined in delays`,
        params: { delay: name, direction: field, reference: reference.name },
      });
      continue;
    }
    // Follow the chain: back to `name` is a cycle (A before B before A has no due time).
    const seen = new Set<string>([name]);
    let next: string | undefined = reference.name;
    while (next !== undefined && !seen.has(next)) {
      seen.add(next);
      const d: Delay | undefined = has(delays, next) ? delays[next] : undefined;
      next = d === undefined ? undefined : referenceOf(d)?.name;
    }
    if (next === name) {
      problems.push({
        path: `${at}/${field}`,
        code: 'delay-reference-cycle',
        message: `delay "${name}" counts ${field} "${reference.name}", which counts back to "${name}": relative delays cannot form a cycle`,
        params: { delay: name, direction: field, reference: reference.name },
      });
    }
  }
  for (const [state, node] of Object.entries(policy.machine.states)) {
    for (const name of Object.keys(node.after ?? {})) {
      const delay = has(delays, name) ? delays[name] : undefined;
      const reference = delay === undefined ? undefined : referenceOf(delay);
      if (reference === undefined || !has(delays, reference.name)) continue;
      if (!has(node.after, reference.name)) {
        problems.push({
          path: `/machine/states/${escapePointer(state)}/after/${escapePointer(name)}`,
          code: 'delay-reference-not-armed',
          message: `timer "${name}" counts ${reference.sign < 0 ? 'before' : 'after'} "${reference.name}", which state "${state}" does not arm`,
          params: {
            delay: name,
            direction: reference.sign < 0 ? 'before' : 'after',
            reference: reference.name,
            state,
          },
        });
      }
    }
  }
  return problems;
}

/** A delay as an offset from a root: '' is the entry (a literal duration), else a delay's name. */
interface Offset {
  root: string;
  ms: number;
}

function literalMs(delay: Delay): number | undefined {
  let ms = 0;
  for (const [field, unit] of UNITS) {
    const value = delay[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || value < 0) return undefined;
    ms += value * unit;
  }
  return ms;
}

function offsetOf(name: string, delays: Record<string, Delay>, depth = 0): Offset | undefined {
  const delay = has(delays, name) ? delays[name] : undefined;
  if (delay === undefined || depth > 16) return undefined;
  const opaque = { root: name, ms: 0 };
  const reference = referenceOf(delay);
  const ms = literalMs(delay);
  // Months, calendars and computed amounts are not comparable by a fixed length: their own root.
  if (ms === undefined || delay.months !== undefined || delay.calendar !== undefined) return opaque;
  if (reference === undefined) return delay.until === undefined ? { root: '', ms } : opaque;
  const base = offsetOf(reference.name, delays, depth + 1);
  if (base === undefined) return opaque;
  const moved = base.ms + reference.sign * ms;
  // Due times never fall before the entry.
  return { root: base.root, ms: base.root === '' ? Math.max(0, moved) : moved };
}

/** A relative delay's length from entry when every part is a literal, else undefined (timer cycles). */
export function relativeStaticMs(name: string, delays: Record<string, Delay>): number | undefined {
  const offset = offsetOf(name, delays);
  return offset?.root === '' ? offset.ms : undefined;
}

/** Whether firing this timer always leaves the state (or re-enters it, which re-arms every timer). */
function alwaysLeaves(value: Transitions, state: string, folder: LogicFolder): boolean {
  for (const t of transitionList(value)) {
    const truth = t.guard === undefined ? true : truthOf(folder.fold(guardLogic(t.guard)));
    if (truth === false) continue;
    const leaves = t.target !== undefined && (t.target !== state || t.reenter === true);
    if (truth === true || !leaves) return leaves;
  }
  return false;
}

/** A length in words: "45 days", "30 days 2 hours", "90 minutes". */
function duration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['day', DAY],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(unit === 'ms' ? `${n} ms` : `${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.length === 0 ? 'at once' : parts.join(' ');
}

/** `timer-never-fires`: a timer due after another of the same state that always leaves it. */
function neverFiresProblems(policy: Policy, folder: LogicFolder): Problem[] {
  const problems: Problem[] = [];
  const delays = policy.delays ?? {};
  for (const [state, node] of Object.entries(policy.machine.states)) {
    const after = node.after ?? {};
    const names = Object.keys(after);
    const leaving = names.filter((n) => alwaysLeaves(after[n] as Transitions, state, folder));
    for (const name of names) {
      const late = offsetOf(name, delays);
      if (late === undefined) continue;
      const first = leaving.find((other) => {
        const early = other === name ? undefined : offsetOf(other, delays);
        return (
          early !== undefined &&
          early.root === late.root &&
          late.ms > early.ms &&
          (late.root === '' || late.ms > 0)
        );
      });
      if (first === undefined) continue;
      const early = offsetOf(first, delays) as Offset;
      const when =
        late.root === ''
          ? `"${first}" is due after ${duration(early.ms)}, "${name}" after ${duration(late.ms)}`
          : `"${name}" is due ${duration(late.ms - early.ms)} after "${first}"`;
      problems.push({
        path: `/machine/states/${escapePointer(state)}/after/${escapePointer(name)}`,
        code: 'timer-never-fires',
        message: `timer "${name}" can never fire in state "${state}": "${first}" always leaves the state first (${when})`,
        // From entry: both due times; relative to the first: how long after it.
        params:
          late.root === ''
            ? { delay: name, state, first, firstMs: early.ms, delayMs: late.ms }
            : { delay: name, state, first, afterFirstMs: late.ms - early.ms },
      });
    }
  }
  return problems;
}

/** `rule-constant`: a claim rule or a guard that is always true or always false. */
function constantProblems(policy: Policy, folder: LogicFolder): Problem[] {
  const problems: Problem[] = [];
  const checks = guards(policy).map((g) => ({ ...g, what: 'guard' }));
  if (policy.claim?.eligible !== undefined) {
    checks.unshift({ logic: policy.claim.eligible, at: '/claim/eligible', what: 'claim rule' });
  }
  for (const { logic, at, what, rule } of checks as {
    logic: unknown;
    at: string;
    what: string;
    rule?: string;
  }[]) {
    const truth = truthOf(folder.fold(logic));
    if (truth === undefined) continue;
    const subject = rule === undefined ? `this ${what}` : `${what} rule "${rule}"`;
    const effect =
      what === 'claim rule'
        ? truth
          ? 'it lets everyone claim: leave it out instead'
          : 'nobody can claim'
        : truth
          ? 'the guard does nothing'
          : 'the transition can never be taken';
    problems.push({
      path: at,
      code: 'rule-constant',
      message: `${subject} is always ${truth ? 'true' : 'false'} whatever the record: ${effect}`,
      params: rule === undefined ? { what, truth } : { what, truth, rule },
    });
  }
  return problems;
}

/**
 * Names of only blanks: the schema asks for one character, so "   " passed and the policy list, the
 * breadcrumb and the canvas showed an empty title. Checked as breakage so published versions with such
 * a name still compile.
 */
function blankNameProblems(policy: Policy): Problem[] {
  const problems: Problem[] = [];
  const blank = (text: unknown) => typeof text === 'string' && !/\S/.test(text);
  if (blank(policy.name?.en)) {
    problems.push({
      path: '/name/en',
      code: 'blank-name',
      message: 'the policy name must not be blank',
      params: {},
    });
  }
  for (const [name, state] of Object.entries(policy.machine.states)) {
    if (blank(state.meta?.label?.en)) {
      problems.push({
        path: `/machine/states/${escapePointer(name)}/meta/label/en`,
        code: 'blank-name',
        message: `state "${name}" has a label of only blanks`,
        params: { state: name },
      });
    }
  }
  return problems;
}

/**
 * `transition-does-nothing`: an event's transition with no target and no actions. XState takes it as
 * forbidding the event, so the runtime refuses the event in that state; an admin who wrote
 * `"RESPOND": {"actions": []}` meant "take it again", which needs an action (or a target).
 */
function doesNothingProblems(policy: Policy): Problem[] {
  const problems: Problem[] = [];
  for (const [state, node] of Object.entries(policy.machine.states)) {
    for (const [event, value] of Object.entries(node.on ?? {})) {
      const list = transitionList(value);
      list.forEach((t, i) => {
        const actions =
          t.actions === undefined ? [] : Array.isArray(t.actions) ? t.actions : [t.actions];
        if (t.target !== undefined || actions.length > 0) return;
        problems.push({
          path: `/machine/states/${escapePointer(state)}/on/${escapePointer(event)}${Array.isArray(value) ? `/${i}` : ''}`,
          code: 'transition-does-nothing',
          message: `${event} in state "${state}" has no target and no action, so the event is refused there: give it an action (to take it and stay) or a target, or remove it`,
          params: { event, state },
        });
      });
    }
  }
  return problems;
}

/**
 * The checks of this file, for validate(): run on a schema-valid policy only. Relative delays are
 * always checked (a bad one cannot run); the rest only with `breakage` (see ValidateOptions).
 */
export function breakageProblems(policy: Policy, breakage = true): Problem[] {
  if (!breakage) return relativeDelayProblems(policy);
  const schema = policy.entity.schema as JsonObject;
  const required = new Set(
    Array.isArray(schema['required']) ? (schema['required'] as string[]) : [],
  );
  const nonEmptyStrings = new Set<string>();
  for (const [field, def] of Object.entries(policy.entity.schema.properties)) {
    const d = def;
    if (required.has(field) && d['type'] === 'string' && Number(d['minLength'] ?? 0) >= 1)
      nonEmptyStrings.add(field);
  }
  const folder = new LogicFolder(policy.rules ?? {}, { nonEmptyStrings });
  return [
    ...relativeDelayProblems(policy),
    ...neverFiresProblems(policy, folder),
    ...constantProblems(policy, folder),
    ...typeMismatchProblems(policy),
    ...blankNameProblems(policy),
    ...doesNothingProblems(policy),
  ];
}
