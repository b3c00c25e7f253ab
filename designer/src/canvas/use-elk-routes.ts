// ELK's layout of the policy's graph, recomputed when its states, transitions or labels change.
import type { Policy } from '@poolflow/engine';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import { useEffect, useMemo, useState } from 'react';
import { elkGraph, layoutPolicy, type GraphLayout } from './auto-layout.js';

/** Earlier layouts kept to draw the edges an edit did not touch (see useElkRoutes). */
const KEPT_LAYOUTS = 4;

interface Laid {
  key: string;
  layout: GraphLayout;
  /** Each transition as ELK was given it (ends and label box), to tell whether it changed since. */
  edges: Map<string, string>;
}

const edgesOf = (graph: ElkNode) =>
  new Map((graph.edges ?? []).map((e) => [e.id, JSON.stringify(e)]));

/**
 * The layouts to draw edges from, the current graph's first. Moving a state does not change the
 * key: routes follow from the stored positions (see placedRoutes). While ELK works on an edit, and
 * when its new layout no longer fits where the states stand (adding a state can make it turn the
 * whole drawing), each transition the edit did not change keeps the route it had: adding a state
 * never sends the labels it was placed clear of to where it now stands. `upToDate` is false until
 * ELK has laid out the graph as it is now.
 */
export function useElkRoutes(policy: Policy): { layouts: GraphLayout[]; upToDate: boolean } {
  const graph = useMemo(() => elkGraph(policy), [policy]);
  const key = useMemo(() => JSON.stringify(graph), [graph]);
  const edges = useMemo(() => edgesOf(graph), [graph]);
  const [laid, setLaid] = useState<Laid[]>([]);
  useEffect(() => {
    let live = true;
    layoutPolicy(policy).then(
      (layout) =>
        live &&
        setLaid((prev) =>
          [{ key, layout, edges }, ...prev.filter((l) => l.key !== key)].slice(0, KEPT_LAYOUTS),
        ),
      () => undefined,
    );
    return () => {
      live = false;
    };
    // The key holds everything of the policy the layout reads: a moved state does not re-run it.
  }, [key]);
  return useMemo(() => {
    const fresh = laid.find((l) => l.key === key);
    const earlier = laid
      .filter((l) => l.key !== key)
      .map((l) => ({
        positions: l.layout.positions,
        routes: Object.fromEntries(
          Object.entries(l.layout.routes).filter(([id]) => edges.get(id) === l.edges.get(id)),
        ),
      }));
    return { layouts: fresh ? [fresh.layout, ...earlier] : earlier, upToDate: fresh !== undefined };
  }, [laid, key, edges]);
}
