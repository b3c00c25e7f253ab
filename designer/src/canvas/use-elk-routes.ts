// ELK's layout of the policy's graph, recomputed when its states, transitions or labels change.
import type { Policy } from '@poolflow/engine';
import { useEffect, useMemo, useState } from 'react';
import { elkGraph, layoutPolicy, type GraphLayout } from './auto-layout.js';

/**
 * The routes for the current graph, or null while ELK works (edges fall back to curves). Moving a
 * state does not change the key: routes follow from the stored positions (see placedRoutes).
 */
export function useElkRoutes(policy: Policy): GraphLayout | null {
  const key = useMemo(() => JSON.stringify(elkGraph(policy)), [policy]);
  const [laid, setLaid] = useState<{ key: string; layout: GraphLayout } | null>(null);
  useEffect(() => {
    let live = true;
    layoutPolicy(policy).then(
      (layout) => live && setLaid({ key, layout }),
      () => live && setLaid(null),
    );
    return () => {
      live = false;
    };
    // The key holds everything of the policy the layout reads: a moved state does not re-run it.
  }, [key]);
  return laid?.key === key ? laid.layout : null;
}
