// Runs a scenario on the real engine in the browser and works out the path to light on the canvas.
import {
  simulate,
  type Policy,
  type Scenario,
  type SimulationResult,
  type TraceEntry,
} from '@poolflow/engine';
import { readGroup, transitionId, type TransitionKind } from '../canvas/transition-ref.js';

export interface LitPath {
  states: Set<string>;
  edges: Set<string>;
}

/** A saved scenario to open in the simulator (from the publish gate), with the step to highlight. */
export interface ScenarioFocus {
  /** Index in the policy's saved scenarios. */
  index: number;
  step: number | null;
  /** Opening the same scenario twice opens it again. */
  nonce: number;
}

export interface ScenarioRun {
  result?: SimulationResult;
  /** The scenario that ran, to word its failures (which step, who, what). */
  scenario?: Scenario;
  /** The scenario or policy could not run at all (invalid scenario, policy does not compile). */
  error?: string;
  path: LitPath;
}

const DAY = 86_400_000;

function edgeOf(policy: Policy, entry: TraceEntry): string | undefined {
  if (entry.rejected || entry.trigger === 'start' || !entry.from) return undefined;
  const node = policy.machine.states[entry.from];
  if (!node) return undefined;
  const timer = /^timer (.+)$/.exec(entry.trigger);
  const kind: TransitionKind = timer ? 'after' : 'on';
  const key = timer ? timer[1] : entry.trigger;
  const list = readGroup(node, kind, key);
  let index = list.findIndex((t) => t.target === entry.to);
  if (index < 0 && entry.from === entry.to) index = list.findIndex((t) => t.target === undefined);
  if (index < 0) return undefined;
  return transitionId({ source: entry.from, kind, key, index });
}

/** States the record was in and transitions it took, as canvas node and edge ids. */
export function litPath(policy: Policy, trace: TraceEntry[]): LitPath {
  const path: LitPath = { states: new Set(), edges: new Set() };
  for (const entry of trace) {
    if (entry.from) path.states.add(entry.from);
    path.states.add(entry.to);
    const edge = edgeOf(policy, entry);
    if (edge) path.edges.add(edge);
  }
  return path;
}

export function runScenario(policy: Policy, scenario: Scenario): ScenarioRun {
  try {
    const result = simulate(policy, scenario);
    return { result, scenario, path: litPath(policy, result.trace) };
  } catch (e) {
    return { error: (e as Error).message, path: { states: new Set(), edges: new Set() } };
  }
}

/** Scenarios saved with the policy (its `scenarios` array). */
export function savedScenarios(policy: Policy): Scenario[] {
  return (policy.scenarios ?? []) as unknown as Scenario[];
}

/** The policy with `scenario` saved in it, replacing one of the same name. */
export function withScenario(policy: Policy, scenario: Scenario): Policy {
  const name = scenario.name ?? 'scenario';
  const rest = savedScenarios(policy).filter((s) => s.name !== name);
  const scenarios = [...rest, { ...scenario, name }] as unknown as NonNullable<Policy['scenarios']>;
  return { ...policy, scenarios };
}

/** "D+30 09:00"-style offset of a trace time from the scenario start. */
export function formatOffset(start: string, at: string): string {
  const ms = Date.parse(at) - Date.parse(start);
  const days = Math.floor(ms / DAY);
  const rest = ms - days * DAY;
  const hh = String(Math.floor(rest / 3_600_000)).padStart(2, '0');
  const mm = String(Math.floor((rest % 3_600_000) / 60_000)).padStart(2, '0');
  return `D+${days} ${hh}:${mm}`;
}

function exampleValue(schema: Record<string, unknown>): unknown {
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  if (schema['type'] === 'integer' || schema['type'] === 'number') {
    return typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
  }
  if (schema['type'] === 'boolean') return false;
  return 'Example';
}

/** A fresh scenario for the policy: an owned record with its required fields filled in. */
export function starterScenario(policy: Policy): Scenario {
  const { properties } = policy.entity.schema;
  const required = (policy.entity.schema['required'] as string[] | undefined) ?? [];
  const entity = Object.fromEntries(
    required.filter((f) => properties[f]).map((f) => [f, exampleValue(properties[f] ?? {})]),
  );
  return {
    name: 'My scenario',
    policy: policy.id,
    users: { alice: {}, bob: {} },
    entity,
    owner: 'alice',
    steps: [{ at: 'P1D', expect: { state: policy.machine.initial } }],
  };
}
