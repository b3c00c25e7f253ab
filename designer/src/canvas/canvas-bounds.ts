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
const ROOM = { top: 50, bottom: 40, left: 60, right: 180 };
export const FIT_PADDING = {
  top: `${ROOM.top}px`,
  bottom: `${ROOM.bottom}px`,
  left: `${ROOM.left}px`,
  right: `${ROOM.right}px`,
} as const;

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

/** Length of edge drawn between two of edgePoints' points. */
const EDGE_STEP = 8;

/**
 * Points every EDGE_STEP px along the edges drawn on the canvas inside `within`, in flow
 * coordinates (the edges' SVG is drawn in them). Browsers without SVG geometry give none.
 */
export function edgePoints(within: Rect): { x: number; y: number }[] {
  const root = canvasElement();
  if (!root) return [];
  const points: { x: number; y: number }[] = [];
  for (const path of root.querySelectorAll<SVGPathElement>('path.react-flow__edge-path')) {
    if (typeof path.getTotalLength !== 'function') continue;
    const length = path.getTotalLength();
    for (let at = 0; at <= length; at += EDGE_STEP) {
      const { x, y } = path.getPointAtLength(at);
      const inside =
        x >= within.x &&
        y >= within.y &&
        x <= within.x + within.width &&
        y <= within.y + within.height;
      if (inside) points.push({ x, y });
    }
  }
  return points;
}

/**
 * The part of the canvas the user sees, in flow coordinates, less the fit's room at its sides (the
 * minimap and the zoom buttons stand there).
 */
export function visibleRect(flow: Pick<Flow, 'screenToFlowPosition'>): Rect | undefined {
  const rect = document.querySelector('[data-testid=canvas]')?.getBoundingClientRect();
  if (!rect) return undefined;
  const a = flow.screenToFlowPosition(
    { x: rect.left + ROOM.left, y: rect.top + ROOM.top },
    { snapToGrid: false },
  );
  const b = flow.screenToFlowPosition(
    { x: rect.right - ROOM.right, y: rect.bottom - ROOM.bottom },
    { snapToGrid: false },
  );
  return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
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
