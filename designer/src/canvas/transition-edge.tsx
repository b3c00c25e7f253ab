// A transition on the canvas: floating between node borders, bent apart when parallel, looped on self.
import {
  BaseEdge,
  EdgeLabelRenderer,
  useInternalNode,
  type Edge,
  type EdgeProps,
  type InternalNode,
} from '@xyflow/react';
import { edgeShape, loopShape, type Rect } from './edge-geometry.js';

export interface TransitionEdgeData extends Record<string, unknown> {
  label: string;
  guard?: string;
  internal: boolean;
  timer: boolean;
  loop?: number;
  bend: number;
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

export function TransitionEdgeView(props: EdgeProps<TransitionFlowEdge>) {
  const { id, source, target, data, selected, markerEnd } = props;
  const sourceNode = useInternalNode(source);
  const targetNode = useInternalNode(target);
  if (!sourceNode || !targetNode || !data) return null;
  const shape =
    source === target
      ? loopShape(rectOf(sourceNode), data.loop ?? 0)
      : edgeShape(rectOf(sourceNode), rectOf(targetNode), data.bend);
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
          className={`edge-label nodrag nopan ${classes.join(' ')}`}
          onClick={() => data.select(id)}
          data-testid={`edge-${id}`}
          data-lit={data.lit ? 'true' : 'false'}
          style={{
            transform: `translate(-50%, -50%) translate(${shape.labelX}px, ${shape.labelY}px)`,
          }}
        >
          {data.label}
          {data.guard && <span className="edge-guard">[{data.guard}]</span>}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}
