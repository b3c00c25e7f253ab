// Auto-layout of the state graph with elkjs (layered, left to right): node positions, edge routes, label boxes.
import type { Policy } from '@poolflow/engine';
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { Rect } from './edge-geometry.js';
import { labelSize } from './edge-label.js';
import { NODE_SIZE, policyToGraph, type Point, type TransitionGraphEdge } from './policy-graph.js';

/** One transition as ELK routed it: the polyline from border to border and its label's box. */
export interface EdgeRoute {
  points: Point[];
  label: Rect | null;
}

export interface GraphLayout {
  positions: Record<string, Point>;
  routes: Record<string, EdgeRoute>;
}

let elk: ELK | undefined;

async function loadElk(): Promise<ELK> {
  // ELK is large: it loads on the first layout, not with the app. In a browser it runs in a worker:
  // a 60-state policy takes seconds to lay out, which must not freeze the editor. Tests (no Worker)
  // run the bundled copy in place.
  if (!elk) {
    if (typeof Worker === 'undefined') {
      const { default: Elk } = await import('elkjs/lib/elk.bundled.js');
      elk = new Elk();
    } else {
      const [{ default: Elk }, { default: workerUrl }] = await Promise.all([
        import('elkjs/lib/elk-api.js'),
        import('elkjs/lib/elk-worker.min.js?url'),
      ]);
      elk = new Elk({ workerUrl });
    }
  }
  return elk;
}

/** Past this many states, ELK places nodes with a cheaper strategy (seconds, not tens of seconds). */
export const LARGE_GRAPH_STATES = 30;

/** The larger of a label's English and Chinese boxes: one layout serves both languages. */
function labelBox(en: TransitionGraphEdge, zh: TransitionGraphEdge | undefined) {
  const a = labelSize(en.label, en.guard);
  const b = zh ? labelSize(zh.label, zh.guard) : a;
  return { width: Math.max(a.width, b.width), height: Math.max(a.height, b.height) };
}

export type Direction = 'RIGHT' | 'DOWN';

/** The ELK graph of a policy: every transition (parallels and loops too) with its label's size. */
export function elkGraph(policy: Policy, direction: Direction = 'RIGHT'): ElkNode {
  const graph = policyToGraph(policy, 'en');
  const zh = new Map(policyToGraph(policy, 'zh').edges.map((e) => [e.id, e]));
  const edges: ElkExtendedEdge[] = graph.edges.map((edge) => ({
    id: edge.id,
    sources: [edge.source],
    targets: [edge.target],
    labels: [{ id: `${edge.id}#label`, text: edge.label, ...labelBox(edge, zh.get(edge.id)) }],
  }));
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction,
      // Orthogonal routes with labels as dummy nodes: ELK reserves room for every label.
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.edgeLabels.sideSelection': 'SMART_DOWN',
      'elk.spacing.edgeLabel': '6',
      'elk.spacing.edgeEdge': '16',
      'elk.spacing.edgeNode': '24',
      'elk.spacing.labelNode': '10',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '16',
      'elk.layered.spacing.edgeNodeBetweenLayers': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '30',
      // Measured on the templates: these give the most compact drawings (fit scale 0.91-0.93).
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.cycleBreaking.strategy': 'GREEDY',
      // Profiled on a 60-state graph: network simplex took 4 s a direction, Brandes-Koepf 0.6-1.3 s.
      ...(graph.nodes.length > LARGE_GRAPH_STATES
        ? { 'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF', 'elk.layered.thoroughness': '1' }
        : {}),
    },
    // The initial state first, so cycle breaking keeps the main flow left to right.
    children: [...graph.nodes]
      .sort((a, b) => Number(b.initial) - Number(a.initial))
      .map((n) => ({ id: n.id, ...NODE_SIZE })),
    edges,
  };
}

/** The reference canvas a drawing is judged on: the editor's canvas at 1440x900. */
const FRAME = { width: 1000, height: 600 };

/**
 * Positions for every state, each transition's route and its label's box: laid out left to right
 * and top to bottom, the one that fits the reference frame at the larger scale (a long chain reads
 * better downwards, a branching graph sideways). Always two layouts, so the choice is repeatable.
 */
export function layoutPolicy(policy: Policy): Promise<GraphLayout> {
  // The canvas's routes and the Auto-layout button ask for the same graph: one layout serves both.
  const key = JSON.stringify(elkGraph(policy));
  const known = recent.get(key);
  if (known) return known;
  const laid = runLayout(policy);
  recent.set(key, laid);
  laid.catch(() => recent.delete(key));
  if (recent.size > RECENT_LAYOUTS) recent.delete(recent.keys().next().value as string);
  return laid;
}

/** Layouts kept by graph (positions do not change the graph): the last few, for undo and redo. */
const RECENT_LAYOUTS = 8;
const recent = new Map<string, Promise<GraphLayout>>();

async function runLayout(policy: Policy): Promise<GraphLayout> {
  const engine = await loadElk();
  const [right, down] = await Promise.all([
    engine.layout(elkGraph(policy, 'RIGHT')),
    engine.layout(elkGraph(policy, 'DOWN')),
  ]);
  const scale = (g: ElkNode) =>
    Math.min(FRAME.width / (g.width || 1), FRAME.height / (g.height || 1));
  return readLayout(scale(down) > scale(right) ? down : right);
}

function readLayout(laid: ElkNode): GraphLayout {
  const positions: Record<string, Point> = {};
  for (const child of laid.children ?? []) {
    positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  }
  const routes: Record<string, EdgeRoute> = {};
  for (const edge of laid.edges ?? []) {
    const section = edge.sections?.[0];
    if (!section) continue;
    const label = edge.labels?.[0];
    routes[edge.id] = {
      points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint],
      label:
        label && label.x !== undefined && label.y !== undefined
          ? { x: label.x, y: label.y, width: label.width ?? 0, height: label.height ?? 0 }
          : null,
    };
  }
  return { positions, routes };
}

/** Positions for every state (what the editor stores as the policy's layout). */
export async function autoLayout(policy: Policy): Promise<Record<string, Point>> {
  return (await layoutPolicy(policy)).positions;
}
