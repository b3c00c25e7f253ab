// Auto-layout of the state graph with elkjs (layered, left to right); returns positions by state.
import type { Policy } from '@poolflow/engine';
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { NODE_SIZE, policyToGraph, type Point } from './policy-graph.js';

let elk: ELK | undefined;

/** Positions for every state; long chains wrap into rows to suit the canvas' `aspectRatio`. */
export async function autoLayout(
  policy: Policy,
  aspectRatio = 1.6,
): Promise<Record<string, Point>> {
  // ELK is large: it loads on the first layout, not with the app.
  if (!elk) {
    const { default: Elk } = await import('elkjs/lib/elk.bundled.js');
    elk = new Elk();
  }
  const graph = policyToGraph(policy);
  const seen = new Set<string>();
  const edges: ElkExtendedEdge[] = [];
  for (const edge of graph.edges) {
    // One ELK edge per connected pair is enough for ranking; loops and parallels are drawn by us.
    const key = `${edge.source}>${edge.target}`;
    if (edge.source === edge.target || seen.has(key)) continue;
    seen.add(key);
    edges.push({ id: edge.id, sources: [edge.source], targets: [edge.target] });
  }
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '150',
      'elk.spacing.nodeNode': '90',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
      'elk.layered.wrapping.strategy': 'MULTI_EDGE',
      'elk.aspectRatio': aspectRatio.toFixed(2),
    },
    // The initial state first, so cycle breaking keeps the main flow left to right.
    children: [...graph.nodes]
      .sort((a, b) => Number(b.initial) - Number(a.initial))
      .map((n) => ({ id: n.id, ...NODE_SIZE })),
    edges,
  };
  const laid = await elk.layout(root);
  const positions: Record<string, Point> = {};
  for (const child of laid.children ?? []) {
    positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  }
  return positions;
}
