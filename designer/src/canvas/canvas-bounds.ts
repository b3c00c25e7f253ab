// What the canvas draws, in flow coordinates: the states and the edge labels around them. Fit view
// and a new state's spot read the labels too (a label beside the leftmost state was cut off by a fit
// to the states alone, and a new state could land on one).
import {
  getViewportForBounds,
  type Rect,
  type ReactFlowInstance,
  type Node,
  type Edge,
} from '@xyflow/react';

type Flow = ReactFlowInstance<Node, Edge>;

/** Room around a fitted graph; on the right clear of the minimap, which sits top right. */
export const FIT_PADDING = { top: '50px', bottom: '40px', left: '60px', right: '180px' } as const;

const canvasElement = () => document.querySelector<HTMLElement>('[data-testid=canvas] .react-flow');

/** The edge labels' boxes on the canvas, in flow coordinates. */
export function labelRects(flow: Pick<Flow, 'screenToFlowPosition'>): Rect[] {
  const root = canvasElement();
  if (!root) return [];
  return [...root.querySelectorAll('.edge-label')].map((el) => {
    const r = el.getBoundingClientRect();
    const a = flow.screenToFlowPosition({ x: r.left, y: r.top }, { snapToGrid: false });
    const b = flow.screenToFlowPosition({ x: r.right, y: r.bottom }, { snapToGrid: false });
    return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
  });
}

/** The smallest rectangle holding all the rectangles given (none: undefined). */
export function unionRect(rects: Rect[]): Rect | undefined {
  if (rects.length === 0) return undefined;
  const left = Math.min(...rects.map((r) => r.x));
  const top = Math.min(...rects.map((r) => r.y));
  const right = Math.max(...rects.map((r) => r.x + r.width));
  const bottom = Math.max(...rects.map((r) => r.y + r.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Fits the view to the states and their edge labels, with the canvas's usual padding. */
export function fitContent(flow: Flow): void {
  const root = canvasElement();
  const nodes = flow.getNodes();
  if (!root || nodes.length === 0) {
    void flow.fitView({ padding: FIT_PADDING });
    return;
  }
  const bounds = unionRect([flow.getNodesBounds(nodes), ...labelRects(flow)]);
  if (!bounds) return;
  const viewport = getViewportForBounds(
    bounds,
    root.clientWidth,
    root.clientHeight,
    0.2,
    2,
    FIT_PADDING,
  );
  void flow.setViewport(viewport);
}
