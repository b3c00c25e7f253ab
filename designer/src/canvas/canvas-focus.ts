// Centres the canvas on a state or transition when asked (a problem was clicked, a search hit).
import { useReactFlow, type InternalNode } from '@xyflow/react';
import { useEffect } from 'react';
import type { Selection } from './selection.js';
import { parseTransitionId } from './transition-ref.js';

export interface FocusRequest {
  selection: Selection;
  /** Changes on every request, so asking twice for the same target centres twice. */
  nonce: number;
}

function centreOf(node: InternalNode): { x: number; y: number } {
  return {
    x: node.internals.positionAbsolute.x + (node.measured.width ?? 180) / 2,
    y: node.internals.positionAbsolute.y + (node.measured.height ?? 64) / 2,
  };
}

export function useCanvasFocus(focus: FocusRequest | null): void {
  const flow = useReactFlow();
  useEffect(() => {
    if (!focus) return;
    const { selection } = focus;
    let point: { x: number; y: number } | undefined;
    if (selection.kind === 'state') {
      const node = flow.getInternalNode(selection.name);
      if (node) point = centreOf(node);
    } else if (selection.kind === 'transition') {
      const ref = parseTransitionId(selection.id);
      const source = ref && flow.getInternalNode(ref.source);
      if (ref && source) {
        const a = centreOf(source);
        const targetName = flow.getEdge(selection.id)?.target ?? ref.source;
        const target = flow.getInternalNode(targetName);
        const b = target ? centreOf(target) : a;
        const loop = targetName === ref.source;
        point = { x: (a.x + b.x) / 2, y: loop ? a.y - 60 : (a.y + b.y) / 2 };
      }
    }
    if (point) {
      void flow.setCenter(point.x, point.y, { zoom: Math.max(flow.getZoom(), 1), duration: 300 });
    }
    // Only a new request moves the view; policy edits do not.
  }, [focus, flow]);
}
