// The state-machine canvas: nodes and edges from the policy; drags, connects and clicks edit it.
import type { Policy } from '@poolflow/engine';
import {
  applyNodeChanges,
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type AriaLabelConfig,
  type Connection,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useI18n } from '../i18n/i18n.js';
import type { LitPath } from '../simulator/run-scenario.js';
import { FIT_PADDING, fitContent } from './canvas-bounds.js';
import { useCanvasFocus, type FocusRequest } from './canvas-focus.js';
import { detourBend, placedRoutes, type Rect } from './edge-geometry.js';
import { addState, addTransition, NODE_SIZE, policyToGraph, setLayout } from './policy-graph.js';
import type { Selection } from './selection.js';
import { StateNodeView, type StateFlowNode } from './state-node.js';
import { transitionId } from './transition-ref.js';
import { TransitionEdgeView, type TransitionFlowEdge } from './transition-edge.js';
import { useElkRoutes } from './use-elk-routes.js';

const nodeTypes = { state: StateNodeView };

const edgeTypes = { transition: TransitionEdgeView };

export interface ProblemTargets {
  states: Map<string, number>;
  edges: Set<string>;
}

export interface PolicyCanvasProps {
  policy: Policy;
  selection: Selection | null;
  lit: LitPath | null;
  problems: ProblemTargets;
  focus: FocusRequest | null;
  onSelect: (selection: Selection | null) => void;
  onChange: (policy: Policy, key?: string) => void;
}

function edgeColor(e: {
  lit: boolean;
  selected: boolean;
  problem: boolean;
  timer: boolean;
}): string {
  if (e.selected) return '#2563eb';
  if (e.problem) return '#dc2626';
  if (e.lit) return '#f59e0b';
  return e.timer ? '#7c3aed' : '#64748b';
}

export function PolicyCanvas(props: PolicyCanvasProps) {
  const { policy, selection, lit, problems, onSelect, onChange } = props;
  const { t, lang } = useI18n();
  const flow = useReactFlow();
  const graph = useMemo(() => policyToGraph(policy, lang), [policy, lang]);
  const [nodes, setNodes] = useState<StateFlowNode[]>([]);
  useCanvasFocus(props.focus);

  useEffect(() => {
    const badges = { pool: t('badgePool'), final: t('badgeFinal'), initial: t('badgeInitial') };
    setNodes((prev) => {
      const byId = new Map(prev.map((n) => [n.id, n]));
      return graph.nodes.map((n) => ({
        ...byId.get(n.id),
        id: n.id,
        type: 'state' as const,
        position: n.position,
        selected: selection?.kind === 'state' && selection.name === n.id,
        data: {
          name: n.id,
          label: n.label,
          pooled: n.pooled,
          final: n.final,
          initial: n.initial,
          lit: lit?.states.has(n.id) ?? false,
          problems: problems.states.get(n.id) ?? 0,
          badges,
        },
      }));
    });
  }, [graph, selection, lit, problems, t]);

  const selectEdge = useCallback((id: string) => onSelect({ kind: 'transition', id }), [onSelect]);
  const elk = useElkRoutes(policy);
  // The first view holds the edge labels too: once ELK has placed them, fit again to include them,
  // unless the user has panned or zoomed since (the fit would undo it).
  const fitted = useRef(false);
  const moved = useRef(false);
  const markMoved = useCallback(() => {
    moved.current = true;
  }, []);
  useEffect(() => {
    if (fitted.current || !elk.upToDate) return;
    fitted.current = true;
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (!moved.current) fitContent(flow);
      }),
    );
  }, [elk, flow]);
  const edges = useMemo((): TransitionFlowEdge[] => {
    const at = new Map(graph.nodes.map((n) => [n.id, n.position]));
    // Edges go along ELK's routes while their states stand where ELK's layout put them.
    const routes = placedRoutes(elk.layouts, graph.edges, Object.fromEntries(at));
    const rects = new Map(graph.nodes.map((n) => [n.id, { ...n.position, ...NODE_SIZE }]));
    // A straight edge that would run behind another state takes a detour around it.
    const bendOf = (e: (typeof graph.edges)[number]): number => {
      const source = rects.get(e.source);
      const target = rects.get(e.target);
      if (e.bend !== 0 || e.source === e.target || !source || !target) return e.bend;
      const others = graph.nodes
        .filter((n) => n.id !== e.source && n.id !== e.target)
        .map((n) => rects.get(n.id) as Rect);
      return detourBend(source, target, others);
    };
    return graph.edges.map((e) => {
      const flags = {
        lit: lit?.edges.has(e.id) ?? false,
        selected: selection?.kind === 'transition' && selection.id === e.id,
        problem: problems.edges.has(e.id),
        timer: e.ref.kind === 'after',
      };
      const data: TransitionFlowEdge['data'] = {
        label: e.label,
        internal: e.internal,
        timer: flags.timer,
        bend: bendOf(e),
        lit: flags.lit,
        problem: flags.problem,
        select: selectEdge,
      };
      if (e.guard !== undefined) data.guard = e.guard;
      if (e.loop !== undefined) data.loop = e.loop;
      const route = routes.get(e.id);
      const source = at.get(e.source);
      const target = at.get(e.target);
      if (route && source && target) data.route = { ...route, source, target };
      return {
        id: e.id,
        source: e.source,
        target: e.target,
        type: 'transition' as const,
        selected: flags.selected,
        markerEnd: {
          type: MarkerType.ArrowClosed,
          width: 16,
          height: 16,
          color: edgeColor(flags),
        },
        data,
      };
    });
  }, [graph, elk, lit, selection, problems, selectEdge]);

  const onNodesChange = useCallback((changes: NodeChange<StateFlowNode>[]) => {
    const kept = changes.filter((c) => c.type === 'position' || c.type === 'dimensions');
    if (kept.length > 0) setNodes((nds) => applyNodeChanges(kept, nds));
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      const added = addTransition(policy, c.source, c.target);
      if (added.policy === policy) return;
      onChange(added.policy);
      onSelect({ kind: 'transition', id: transitionId(added.ref) });
    },
    [policy, onChange, onSelect],
  );

  // What screen readers hear on the canvas, in the editor's language.
  const ariaLabels = useMemo((): Partial<AriaLabelConfig> => {
    const directions: Record<string, string> = {
      up: t('canvasUp'),
      down: t('canvasDown'),
      left: t('canvasLeft'),
      right: t('canvasRight'),
    };
    return {
      'node.a11yDescription.default': t('canvasNodeHelp'),
      'node.a11yDescription.keyboardDisabled': t('canvasNodeHelp'),
      'node.a11yDescription.ariaLiveMessage': ({ direction, x, y }) =>
        t('canvasMoved', { direction: directions[direction] ?? direction, x, y }),
      'edge.a11yDescription.default': t('canvasEdgeHelp'),
      'controls.ariaLabel': t('canvasControls'),
      'controls.zoomIn.ariaLabel': t('canvasZoomIn'),
      'controls.zoomOut.ariaLabel': t('canvasZoomOut'),
      'controls.fitView.ariaLabel': t('fitView'),
      'controls.interactive.ariaLabel': t('canvasInteractive'),
      'minimap.ariaLabel': t('canvasMinimap'),
      'handle.ariaLabel': t('canvasHandle'),
    };
  }, [t]);

  const onDoubleClick = (e: MouseEvent) => {
    if (!(e.target as Element).classList.contains('react-flow__pane')) return;
    const position = flow.screenToFlowPosition({ x: e.clientX - 90, y: e.clientY - 32 });
    const added = addState(policy, { position });
    onChange(added.policy);
    onSelect({ kind: 'state', name: added.name });
  };

  return (
    <div className="canvas" data-testid="canvas" onDoubleClick={onDoubleClick}>
      <ReactFlow<StateFlowNode, TransitionFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onNodeClick={(_, node) => onSelect({ kind: 'state', name: node.id })}
        onEdgeClick={(_, edge) => onSelect({ kind: 'transition', id: edge.id })}
        onPaneClick={() => onSelect(null)}
        onNodeDragStop={(_, _node, dragged) =>
          onChange(setLayout(policy, Object.fromEntries(dragged.map((n) => [n.id, n.position]))))
        }
        onConnect={onConnect}
        deleteKeyCode={null}
        zoomOnDoubleClick={false}
        connectionRadius={40}
        minZoom={0.2}
        fitView
        fitViewOptions={{ padding: FIT_PADDING }}
        // A move with an event is the user's (a fit passes none).
        onMoveStart={(event) => {
          if (event) moved.current = true;
        }}
        ariaLabelConfig={ariaLabels}
      >
        <Background gap={20} color="#e2e8f0" />
        <MiniMap
          position="top-right"
          pannable
          zoomable
          style={{ width: 140, height: 90 }}
          nodeColor={(n) => minimapColor(n as StateFlowNode)}
        />
        {/* A zoom by the buttons is the user's too (it moves the view with no event). */}
        <Controls showInteractive={false} onZoomIn={markMoved} onZoomOut={markMoved} />
      </ReactFlow>
    </div>
  );
}

function minimapColor(node: StateFlowNode): string {
  if (node.data.lit) return '#f59e0b';
  if (node.data.pooled) return '#38bdf8';
  if (node.data.final) return '#94a3b8';
  return '#6366f1';
}
