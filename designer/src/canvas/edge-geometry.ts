// SVG paths for transitions between node rectangles: curved lanes for parallel edges, stacked loops.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface EdgeShape {
  path: string;
  labelX: number;
  labelY: number;
}

const LANE = 44;
const LOOP_STEP = 30;
const GAP = 3;

interface Point {
  x: number;
  y: number;
}

function center(r: Rect): Point {
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

/** Where a ray from the rectangle's centre towards (tx, ty) leaves the rectangle, plus a small gap. */
function borderPoint(r: Rect, tx: number, ty: number): Point {
  const c = center(r);
  const vx = tx - c.x;
  const vy = ty - c.y;
  if (vx === 0 && vy === 0) return c;
  const sx = vx === 0 ? Infinity : (r.width / 2 + GAP) / Math.abs(vx);
  const sy = vy === 0 ? Infinity : (r.height / 2 + GAP) / Math.abs(vy);
  const s = Math.min(sx, sy);
  return { x: c.x + vx * s, y: c.y + vy * s };
}

const fmt = (n: number): string => String(Math.round(n * 10) / 10);

/** The control point of the quadratic curve from a to b bent `bend` lanes to the left. */
function controlPoint(a: Point, b: Point, bend: number): Point {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy) || 1;
  // The curve's apex is half way to the control point: double the offset to reach the lane.
  return {
    x: (a.x + b.x) / 2 - (dy / length) * bend * LANE * 2,
    y: (a.y + b.y) / 2 + (dx / length) * bend * LANE * 2,
  };
}

function inside(p: Point, r: Rect, margin: number): boolean {
  return (
    p.x > r.x - margin &&
    p.x < r.x + r.width + margin &&
    p.y > r.y - margin &&
    p.y < r.y + r.height + margin
  );
}

/** Whether the curve between two nodes, bent `bend` lanes, runs through any of `others`. */
export function crossesNodes(source: Rect, target: Rect, bend: number, others: Rect[]): boolean {
  const a = center(source);
  const b = center(target);
  const c = controlPoint(a, b, bend);
  for (let i = 1; i < 24; i++) {
    const t = i / 24;
    const p = {
      x: (1 - t) ** 2 * a.x + 2 * (1 - t) * t * c.x + t ** 2 * b.x,
      y: (1 - t) ** 2 * a.y + 2 * (1 - t) * t * c.y + t ** 2 * b.y,
    };
    if (inside(p, source, 0) || inside(p, target, 0)) continue;
    if (others.some((r) => inside(p, r, 8))) return true;
  }
  return false;
}

/** The bend to draw a straight edge with: 0 when its way is free, else a detour around the nodes. */
export function detourBend(source: Rect, target: Rect, others: Rect[]): number {
  for (const bend of [0, 1, -1, 2, -2, 3, -3]) {
    if (!crossesNodes(source, target, bend, others)) return bend;
  }
  return 0;
}

/** A quadratic curve bent `bend` lanes to the left of the source -> target direction. */
export function edgeShape(source: Rect, target: Rect, bend: number): EdgeShape {
  const a = center(source);
  const b = center(target);
  const { x: cx, y: cy } = controlPoint(a, b, bend);
  const start = borderPoint(source, cx, cy);
  const end = borderPoint(target, cx, cy);
  return {
    path: `M ${fmt(start.x)} ${fmt(start.y)} Q ${fmt(cx)} ${fmt(cy)} ${fmt(end.x)} ${fmt(end.y)}`,
    labelX: 0.25 * start.x + 0.5 * cx + 0.25 * end.x,
    labelY: 0.25 * start.y + 0.5 * cy + 0.25 * end.y,
  };
}

/** A loop above the node; each further loop of the same node is wider and taller. */
export function loopShape(node: Rect, loop: number): EdgeShape {
  const c = center(node);
  const top = node.y - GAP;
  const size = 46 + loop * LOOP_STEP;
  const foot = 16 + loop * 8;
  const spread = 34 + loop * 22;
  const path =
    `M ${fmt(c.x - foot)} ${fmt(top)} ` +
    `C ${fmt(c.x - spread)} ${fmt(top - size)} ${fmt(c.x + spread)} ${fmt(top - size)} ` +
    `${fmt(c.x + foot)} ${fmt(top)}`;
  // A cubic with both controls at height `size` peaks at 3/4 of it.
  return { path, labelX: c.x, labelY: top - size * 0.75 };
}

/** An ELK route as drawn: where its layout put the two states, the polyline and the label box. */
export interface RoutedEdge {
  points: Point[];
  label: Rect | null;
}

/**
 * ELK's routes that still fit the states where they stand: a route is kept when its two states
 * moved by the same offset since the layout (it moves with them), dropped when one was dragged.
 * Layouts are tried in order (the current one first, then earlier ones kept for edges that did not
 * change): an edge takes its route from the first that fits.
 */
export function placedRoutes(
  layouts: readonly { positions: Record<string, Point>; routes: Record<string, RoutedEdge> }[],
  edges: { id: string; source: string; target: string }[],
  positions: Record<string, Point>,
): Map<string, RoutedEdge> {
  const out = new Map<string, RoutedEdge>();
  for (const edge of edges) {
    for (const laid of layouts) {
      const placed = placedRoute(laid, edge, positions);
      if (placed) {
        out.set(edge.id, placed);
        break;
      }
    }
  }
  return out;
}

function placedRoute(
  laid: { positions: Record<string, Point>; routes: Record<string, RoutedEdge> },
  edge: { id: string; source: string; target: string },
  positions: Record<string, Point>,
): RoutedEdge | null {
  const offset = (state: string): Point | null => {
    const at = positions[state];
    const elk = laid.positions[state];
    return at && elk ? { x: at.x - elk.x, y: at.y - elk.y } : null;
  };
  const route = laid.routes[edge.id];
  const a = offset(edge.source);
  const b = offset(edge.target);
  // Stored positions are rounded: an offset within a pixel is the same offset.
  if (!route || !a || !b || Math.abs(a.x - b.x) > 1 || Math.abs(a.y - b.y) > 1) return null;
  return {
    points: route.points.map((p) => ({ x: p.x + a.x, y: p.y + a.y })),
    label: route.label ? { ...route.label, x: route.label.x + a.x, y: route.label.y + a.y } : null,
  };
}

/** An orthogonal polyline with its corners rounded (radius bounded by half the shorter leg). */
export function routePath(points: Point[], radius = 8): string {
  const first = points[0];
  if (!first) return '';
  let path = `M ${fmt(first.x)} ${fmt(first.y)}`;
  for (let i = 1; i < points.length; i++) {
    const p = points[i];
    const next = points[i + 1];
    const prev = points[i - 1];
    if (!next) {
      path += ` L ${fmt(p.x)} ${fmt(p.y)}`;
      break;
    }
    const inLen = Math.hypot(p.x - prev.x, p.y - prev.y);
    const outLen = Math.hypot(next.x - p.x, next.y - p.y);
    const r = Math.min(radius, inLen / 2, outLen / 2);
    if (r <= 0) continue;
    const before = { x: p.x - ((p.x - prev.x) / inLen) * r, y: p.y - ((p.y - prev.y) / inLen) * r };
    const after = {
      x: p.x + ((next.x - p.x) / outLen) * r,
      y: p.y + ((next.y - p.y) / outLen) * r,
    };
    path += ` L ${fmt(before.x)} ${fmt(before.y)} Q ${fmt(p.x)} ${fmt(p.y)} ${fmt(after.x)} ${fmt(after.y)}`;
  }
  return path;
}
