// A state on the canvas: pool states, final states and the initial state look different.
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';

export interface StateNodeData extends Record<string, unknown> {
  name: string;
  label: string;
  pooled: boolean;
  final: boolean;
  initial: boolean;
  lit: boolean;
  problems: number;
  badges: { pool: string; final: string; initial: string };
}

export type StateFlowNode = Node<StateNodeData, 'state'>;

export function StateNodeView({ data, selected }: NodeProps<StateFlowNode>) {
  const classes = ['state-node'];
  if (data.pooled) classes.push('pooled');
  if (data.final) classes.push('final');
  if (data.initial) classes.push('initial');
  if (data.lit) classes.push('lit');
  if (selected) classes.push('selected');
  if (data.problems > 0) classes.push('has-problem');
  return (
    <div
      className={classes.join(' ')}
      data-testid={`state-node-${data.name}`}
      data-lit={data.lit ? 'true' : 'false'}
      title={data.name}
    >
      <Handle type="target" position={Position.Left} className="state-handle target" />
      {data.initial && (
        <span className="initial-arrow" aria-label={data.badges.initial}>
          ▶
        </span>
      )}
      <div className="state-label">{data.label}</div>
      <div className="state-meta">
        {data.label !== data.name && <code>{data.name}</code>}
        {data.pooled && <span className="chip pool">{data.badges.pool}</span>}
        {data.final && <span className="chip final">{data.badges.final}</span>}
        {data.initial && <span className="chip initial">{data.badges.initial}</span>}
      </div>
      {data.problems > 0 && <span className="problem-dot">{data.problems}</span>}
      <Handle type="source" position={Position.Right} className="state-handle source" />
    </div>
  );
}
