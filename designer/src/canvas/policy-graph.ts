// Pure mapping between a policy document and the canvas graph: policy -> nodes/edges, and edits.
import type { Policy, StateNode, Transition } from '@poolflow/engine';
import type { Lang } from '../i18n/messages.js';
import { guardLabel, transitionLabel } from './edge-label.js';
import {
  readGroup,
  transitionGroups,
  transitionId,
  writeGroup,
  type TransitionKind,
  type TransitionRef,
} from './transition-ref.js';
import type { Rect } from './edge-geometry.js';

export interface Point {
  x: number;
  y: number;
}

export interface StateGraphNode {
  id: string;
  label: string;
  pooled: boolean;
  final: boolean;
  initial: boolean;
  position: Point;
}

export interface TransitionGraphEdge {
  id: string;
  ref: TransitionRef;
  source: string;
  target: string;
  label: string;
  guard?: string;
  /** A transition without a target: it runs actions and stays (drawn as a dashed loop). */
  internal: boolean;
  /** Self-loops of the same state are stacked: 0 is the innermost. */
  loop?: number;
  /** Sideways offset, in lanes, for parallel edges between two states (0 = straight). */
  bend: number;
}

export interface PolicyGraph {
  nodes: StateGraphNode[];
  edges: TransitionGraphEdge[];
}

const GRID = { x: 280, y: 170, columns: 4 };

/** The size a state is drawn at (the canvas measures it; layout and edge routing assume it). */
export const NODE_SIZE = { width: 180, height: 64 };

export function defaultPosition(index: number): Point {
  return { x: (index % GRID.columns) * GRID.x, y: Math.floor(index / GRID.columns) * GRID.y };
}

export function stateLabel(policy: Policy, name: string, lang: Lang): string {
  const label = policy.machine.states[name]?.meta?.label;
  if (lang === 'zh' && label?.zh) return label.zh;
  return label?.en ?? name;
}

export function policyToGraph(policy: Policy, lang: Lang = 'en'): PolicyGraph {
  const names = Object.keys(policy.machine.states);
  const nodes = names.map((name, i): StateGraphNode => {
    const node = policy.machine.states[name];
    return {
      id: name,
      label: stateLabel(policy, name, lang),
      pooled: node.meta?.pooled === true,
      final: node.type === 'final',
      initial: policy.machine.initial === name,
      position: policy.layout?.[name] ?? defaultPosition(i),
    };
  });
  const edges: TransitionGraphEdge[] = [];
  for (const source of names) {
    const node = policy.machine.states[source];
    for (const { kind, key, list } of transitionGroups(node)) {
      list.forEach((t, index) => {
        const ref: TransitionRef = { source, kind, key, index };
        const guard = guardLabel(t.guard);
        const edge: TransitionGraphEdge = {
          id: transitionId(ref),
          ref,
          source,
          target: t.target ?? source,
          label: transitionLabel(policy, kind, key, lang, source),
          internal: t.target === undefined,
          bend: 0,
        };
        if (guard !== undefined) edge.guard = guard;
        edges.push(edge);
      });
    }
  }
  spreadEdges(edges);
  return { nodes, edges };
}

/** Gives self-loops a stacking index and parallel edges (either direction) distinct lanes. */
function spreadEdges(edges: TransitionGraphEdge[]): void {
  const loops = new Map<string, number>();
  const pairs = new Map<string, TransitionGraphEdge[]>();
  for (const edge of edges) {
    if (edge.source === edge.target) {
      const n = loops.get(edge.source) ?? 0;
      edge.loop = n;
      loops.set(edge.source, n + 1);
      continue;
    }
    const key = [edge.source, edge.target].sort().join('\u0000');
    pairs.set(key, [...(pairs.get(key) ?? []), edge]);
  }
  for (const group of pairs.values()) {
    if (group.length < 2) continue;
    group.forEach((edge, i) => {
      const lane = i - (group.length - 1) / 2;
      // Lanes are counted along the pair's sorted direction; reversed edges flip the sign.
      edge.bend = edge.source < edge.target ? lane : -lane;
    });
  }
}

export function isValidStateName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name);
}

export function isValidEventName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]{0,63}$/.test(name);
}

function uniqueName(taken: (name: string) => boolean, base: string): string {
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base}_${i}`)) return `${base}_${i}`;
}

function clone(policy: Policy): Policy {
  return structuredClone(policy);
}

/** What a new state keeps clear of, besides the states (all in flow coordinates). */
export interface Clearance {
  /** Edge labels' boxes. */
  labels?: Rect[];
  /** Points along the drawn edges: kept clear of where a spot inside `within` allows. */
  lines?: Point[];
  /** The part of the canvas the user sees. */
  within?: Rect;
}

/**
 * The spot nearest `p` where a new node covers no existing node and no edge label: searched on a
 * 40px grid in rings around `p`, the closest free spot first. Given the edges' lines, the nearest
 * spot in view that crosses none of them is taken first (a state dropped on a line reads as being on
 * that transition); where the view has none, lines are crossed.
 */
export function freePosition(policy: Policy, p: Point, clear: Clearance = {}): Point {
  const { labels = [], lines = [], within } = clear;
  const taken = policyToGraph(policy).nodes.map((n) => n.position);
  const covers = (x: number, y: number, r: Rect, margin: number): boolean =>
    x - margin < r.x + r.width &&
    r.x < x + NODE_SIZE.width + margin &&
    y - margin < r.y + r.height &&
    r.y < y + NODE_SIZE.height + margin;
  const free = (x: number, y: number): boolean =>
    !taken.some((q) => Math.abs(q.x - x) < 200 && Math.abs(q.y - y) < 90) &&
    !labels.some((l) => covers(x, y, l, 10));
  const inView = (x: number, y: number): boolean =>
    !within ||
    (x >= within.x &&
      y >= within.y &&
      x + NODE_SIZE.width <= within.x + within.width &&
      y + NODE_SIZE.height <= within.y + within.height);
  const offLines = (x: number, y: number): boolean =>
    !lines.some((q) => covers(x, y, { ...q, width: 0, height: 0 }, LINE_MARGIN));
  const start = { x: Math.round(p.x), y: Math.round(p.y) };
  const clearOfLines =
    lines.length > 0
      ? nearestSpot(start, (x, y) => inView(x, y) && free(x, y) && offLines(x, y))
      : undefined;
  return clearOfLines ?? nearestSpot(start, free) ?? start;
}

/** Room kept between a new state and an edge's line. */
const LINE_MARGIN = 8;

/** The grid spot (40px) nearest `start` that is `free`, at most 60 steps away along x or y. */
function nearestSpot(start: Point, free: (x: number, y: number) => boolean): Point | undefined {
  let best: Point | undefined;
  let bestDistance = Infinity;
  // Ring r holds the grid spots r steps away along x or y; the nearest free one of the first ring
  // with any is the answer, unless a later ring (its corners are farther) cannot beat it.
  for (let r = 0; r <= 60; r++) {
    if (best && r * 40 >= bestDistance) break;
    for (let dx = -r; dx <= r; dx++) {
      for (let dy = -r; dy <= r; dy++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue;
        const spot = { x: start.x + dx * 40, y: start.y + dy * 40 };
        const distance = Math.hypot(dx * 40, dy * 40);
        if (distance < bestDistance && free(spot.x, spot.y)) {
          best = spot;
          bestDistance = distance;
        }
      }
    }
  }
  return best;
}

export function addState(
  policy: Policy,
  options: { name?: string; position?: Point } = {},
): { policy: Policy; name: string } {
  const next = clone(policy);
  const states = next.machine.states;
  const name = uniqueName((n) => n in states, options.name ?? 'state');
  states[name] = { meta: { label: { en: name } } };
  const index = Object.keys(states).length - 1;
  next.layout = { ...(next.layout ?? {}), [name]: options.position ?? defaultPosition(index) };
  return { policy: next, name };
}

/** Renames a state everywhere it is referenced: targets, initial state, layout. */
export function renameState(policy: Policy, from: string, to: string): Policy {
  if (from === to || !(from in policy.machine.states)) return policy;
  if (!isValidStateName(to) || to in policy.machine.states) return policy;
  const next = clone(policy);
  const states: Record<string, StateNode> = {};
  for (const [name, node] of Object.entries(next.machine.states))
    states[name === from ? to : name] = node;
  next.machine.states = states;
  if (next.machine.initial === from) next.machine.initial = to;
  for (const node of Object.values(states)) {
    for (const { kind, key, list } of transitionGroups(node)) {
      if (!list.some((t) => t.target === from)) continue;
      const renamed = list.map((t) => (t.target === from ? { ...t, target: to } : t));
      writeGroup(node, kind, key, renamed);
    }
  }
  if (next.layout?.[from]) {
    const layout = { ...next.layout, [to]: next.layout[from] };
    delete layout[from];
    next.layout = layout;
  }
  return next;
}

/** Deletes a state and the transitions that lead to it; the initial state moves to the first left. */
export function deleteState(policy: Policy, name: string): Policy {
  if (!(name in policy.machine.states) || Object.keys(policy.machine.states).length <= 1) {
    return policy;
  }
  const next = clone(policy);
  delete next.machine.states[name];
  for (const node of Object.values(next.machine.states)) {
    for (const { kind, key, list } of transitionGroups(node)) {
      if (list.some((t) => t.target === name)) {
        writeGroup(
          node,
          kind,
          key,
          list.filter((t) => t.target !== name),
        );
      }
    }
  }
  if (next.machine.initial === name) next.machine.initial = Object.keys(next.machine.states)[0];
  if (next.layout) delete next.layout[name];
  return next;
}

export function updateState(policy: Policy, name: string, node: StateNode): Policy {
  if (!(name in policy.machine.states)) return policy;
  const next = clone(policy);
  next.machine.states[name] = structuredClone(node);
  return next;
}

export function setInitialState(policy: Policy, name: string): Policy {
  if (!(name in policy.machine.states)) return policy;
  const next = clone(policy);
  next.machine.initial = name;
  return next;
}

/** Adds an event transition source -> target under a new event name; returns where it went. */
export function addTransition(
  policy: Policy,
  source: string,
  target: string,
  event?: string,
): { policy: Policy; ref: TransitionRef } {
  const next = clone(policy);
  const node = next.machine.states[source];
  if (!node || !(target in next.machine.states)) {
    return { policy, ref: { source, kind: 'on', key: event ?? '', index: 0 } };
  }
  const key = event ?? uniqueName((n) => n in (node.on ?? {}), 'NEW_EVENT');
  const list = readGroup(node, 'on', key);
  writeGroup(node, 'on', key, [...list, { target }]);
  return { policy: next, ref: { source, kind: 'on', key, index: list.length } };
}

export function deleteTransition(policy: Policy, ref: TransitionRef): Policy {
  const next = clone(policy);
  const node = next.machine.states[ref.source];
  if (!node) return policy;
  const list = readGroup(node, ref.kind, ref.key);
  if (ref.index >= list.length) return policy;
  writeGroup(
    node,
    ref.kind,
    ref.key,
    list.filter((_, i) => i !== ref.index),
  );
  return next;
}

export function updateTransition(
  policy: Policy,
  ref: TransitionRef,
  transition: Transition,
): Policy {
  const next = clone(policy);
  const node = next.machine.states[ref.source];
  if (!node) return policy;
  const list = readGroup(node, ref.kind, ref.key);
  if (ref.index >= list.length) return policy;
  list[ref.index] = structuredClone(transition);
  writeGroup(node, ref.kind, ref.key, list);
  return next;
}

/** Moves a transition to another event or timer key of the same state (rename event, change timer). */
export function moveTransition(
  policy: Policy,
  ref: TransitionRef,
  kind: TransitionKind,
  key: string,
): { policy: Policy; ref: TransitionRef } {
  if (ref.kind === kind && ref.key === key) return { policy, ref };
  const next = clone(policy);
  const node = next.machine.states[ref.source];
  if (!node) return { policy, ref };
  const list = readGroup(node, ref.kind, ref.key);
  const moving = list[ref.index];
  if (!moving) return { policy, ref };
  writeGroup(
    node,
    ref.kind,
    ref.key,
    list.filter((_, i) => i !== ref.index),
  );
  const target = readGroup(node, kind, key);
  writeGroup(node, kind, key, [...target, moving]);
  return { policy: next, ref: { source: ref.source, kind, key, index: target.length } };
}

/** Stores dragged or auto-laid-out positions (rounded: they are saved in the document). */
export function setLayout(policy: Policy, positions: Record<string, Point>): Policy {
  const next = clone(policy);
  const layout = { ...(next.layout ?? {}) };
  for (const [name, p] of Object.entries(positions)) {
    if (name in next.machine.states) layout[name] = { x: Math.round(p.x), y: Math.round(p.y) };
  }
  next.layout = layout;
  return next;
}
