// A transition on the canvas: along ELK's route and label box, else a curve between node borders.
import {
  BaseEdge,
  EdgeLabelRenderer,
  useInternalNode,
  type Edge,
  type EdgeProps,
  type InternalNode,
} from '@xyflow/react';
import type { CSSProperties } from 'react';
import type { Point } from './policy-graph.js';
import { edgeShape, loopShape, routePath, type Rect, type RoutedEdge } from './edge-geometry.js';

export interface TransitionEdgeData extends Record<string, unknown> {
  label: string;
  guard?: string;
  internal: boolean;
  timer: boolean;
  loop?: number;
  bend: number;
  /** ELK's route, valid while the two states stand at `source` and `target`. */
  route?: RoutedEdge & { source: Point; target: Point };
  lit: boolean;
  problem: boolean;
  select: (id: string) => void;
}

export type TransitionFlowEdge = Edge<TransitionEdgeData, 'transition'>;

function rectOf(node: InternalNode): Rect {
  return {
    x: node.internals.positionAbsolute.x,
    y: node.internals.positionAbsolute.y,
    width: node.measured.width ?? 180,
    height: node.measured.height ?? 64,
  };
}

const near = (node: InternalNode, p: Point): boolean =>
  Math.abs(node.internals.positionAbsolute.x - p.x) <= 1 &&
  Math.abs(node.internals.positionAbsolute.y - p.y) <= 1;

interface Drawn {
  path: string;
  /** The label's box (ELK's), or its centre when drawn on a curve. */
  label: Rect | { x: number; y: number };
}

function shapeOf(data: TransitionEdgeData, source: InternalNode, target: InternalNode): Drawn {
  const route = data.route;
  // While a state is dragged its edges leave ELK's route and follow it as curves.
  if (
    route &&
    route.points.length > 1 &&
    near(source, route.source) &&
    near(target, route.target)
  ) {
    const [a, b] = [route.points[0], route.points[1]];
    const centre = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    return { path: routePath(route.points), label: route.label ?? centre };
  }
  const shape =
    source.id === target.id
      ? loopShape(rectOf(source), data.loop ?? 0)
      : edgeShape(rectOf(source), rectOf(target), data.bend);
  return { path: shape.path, label: { x: shape.labelX, y: shape.labelY } };
}

function labelStyle(label: Drawn['label']): CSSProperties {
  if ('width' in label) {
    return {
      transform: `translate(${label.x}px, ${label.y}px)`,
      width: label.width,
      height: label.height,
    };
  }
  return { transform: `translate(-50%, -50%) translate(${label.x}px, ${label.y}px)` };
}

export function TransitionEdgeView(props: EdgeProps<TransitionFlowEdge>) {
  const { id, source, target, data, selected, markerEnd } = props;
  const sourceNode = useInternalNode(source);
  const targetNode = useInternalNode(target);
  if (!sourceNode || !targetNode || !data) return null;
  const shape = shapeOf(data, sourceNode, targetNode);
  const boxed = 'width' in shape.label;
  const classes = ['transition-edge'];
  if (data.timer) classes.push('timer');
  if (data.internal) classes.push('internal');
  if (data.lit) classes.push('lit');
  if (selected) classes.push('selected');
  if (data.problem) classes.push('has-problem');
  return (
    <>
      <BaseEdge
        id={id}
        path={shape.path}
        className={classes.join(' ')}
        interactionWidth={18}
        {...(markerEnd ? { markerEnd } : {})}
      />
      <EdgeLabelRenderer>
        <div
          className={`edge-label nodrag nopan ${boxed ? 'routed ' : ''}${classes.join(' ')}`}
          onClick={() => data.select(id)}
          data-testid={`edge-${id}`}
          data-lit={data.lit ? 'true' : 'false'}
          style={labelStyle(shape.label)}
        >
          {data.label}
          {data.guard && <span className="edge-guard">[{data.guard}]</span>}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}
