// ELK's layout of the three templates: routed edges whose labels overlap neither each other nor states.
import type { Policy } from '@poolflow/engine';
import { describe, expect, it } from 'vitest';
import { layoutPolicy } from '../src/canvas/auto-layout.js';
import { placedRoutes, routePath, type Rect } from '../src/canvas/edge-geometry.js';
import { labelSize, timerLabel } from '../src/canvas/edge-label.js';
import { NODE_SIZE, policyToGraph, setLayout } from '../src/canvas/policy-graph.js';
import { crm, loadTemplate } from './fixtures.js';

const TEMPLATES = ['crm-customer-pool', 'hr-candidate-pool', 'service-ticket-pool'];

function overlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function laidOut(policy: Policy) {
  return layoutPolicy(policy).then((laid) => {
    const stored = setLayout(policy, laid.positions);
    const graph = policyToGraph(stored);
    const at = Object.fromEntries(graph.nodes.map((n) => [n.id, n.position]));
    return { laid, graph, at, routes: placedRoutes([laid], graph.edges, at) };
  });
}

describe('ELK edge routing of the templates', () => {
  for (const id of TEMPLATES) {
    it(`${id}: every edge routed, no label over another label or a state`, async () => {
      const { graph, at, routes } = await laidOut(loadTemplate(id));
      expect(routes.size).toBe(graph.edges.length);
      const labels = graph.edges.map((e) => ({ id: e.id, box: routes.get(e.id)?.label }));
      const nodes = graph.nodes.map((n) => ({ id: n.id, box: { ...at[n.id], ...NODE_SIZE } }));
      const clashes: string[] = [];
      labels.forEach((a, i) => {
        expect(a.box, a.id).toBeTruthy();
        for (const b of labels.slice(i + 1)) {
          if (overlap(a.box!, b.box!)) clashes.push(`${a.id} × ${b.id}`);
        }
        for (const n of nodes) if (overlap(a.box!, n.box)) clashes.push(`${a.id} × state ${n.id}`);
      });
      expect(clashes).toEqual([]);
      // The boxes fit the text in either language (the canvas draws the label in that box).
      for (const lang of ['en', 'zh'] as const) {
        for (const e of policyToGraph(loadTemplate(id), lang).edges) {
          const box = routes.get(e.id)!.label!;
          expect(box.width).toBeGreaterThanOrEqual(labelSize(e.label, e.guard).width);
        }
      }
    });
  }

  it('each template opens on ELK’s layout: its stored positions keep every routed edge', async () => {
    // designer/scripts/layout-templates.ts stores the layout; a template whose states or transitions changed
    // since would open with curves in place of routes, and this test names it.
    for (const id of TEMPLATES) {
      const stored = loadTemplate(id);
      const laid = await layoutPolicy(stored);
      const graph = policyToGraph(stored);
      const at = Object.fromEntries(graph.nodes.map((n) => [n.id, n.position]));
      const kept = placedRoutes([laid], graph.edges, at);
      const lost = graph.edges.filter((e) => !kept.has(e.id)).map((e) => e.id);
      expect(lost, `${id}: run npx tsx designer/scripts/layout-templates.ts`).toEqual([]);
    }
  });

  it('routes are orthogonal polylines from border to border', async () => {
    const { routes, at } = await laidOut(crm());
    const route = routes.get('pool:on:CLAIM:0')!;
    for (let i = 1; i < route.points.length; i++) {
      const [p, q] = [route.points[i - 1], route.points[i]];
      expect(Math.abs(p.x - q.x) < 0.01 || Math.abs(p.y - q.y) < 0.01).toBe(true);
    }
    const start = route.points[0];
    const pool = at['pool'];
    // The route starts on the pool state's border.
    const onBorder =
      (Math.abs(start.x - pool.x) < 1.5 || Math.abs(start.x - pool.x - NODE_SIZE.width) < 1.5) &&
      start.y >= pool.y - 1 &&
      start.y <= pool.y + NODE_SIZE.height + 1;
    const onTopOrBottom =
      (Math.abs(start.y - pool.y) < 1.5 || Math.abs(start.y - pool.y - NODE_SIZE.height) < 1.5) &&
      start.x >= pool.x - 1 &&
      start.x <= pool.x + NODE_SIZE.width + 1;
    expect(onBorder || onTopOrBottom).toBe(true);
    expect(routePath(route.points)).toMatch(/^M [\d.-]+ [\d.-]+ (L|Q)/);
  });

  it('a moved layout keeps its routes; a dragged state drops only its own edges', async () => {
    const { laid, graph, at } = await laidOut(crm());
    const shifted = Object.fromEntries(
      Object.entries(at).map(([k, p]) => [k, { x: p.x + 100, y: p.y - 40 }]),
    );
    const moved = placedRoutes([laid], graph.edges, shifted);
    expect(moved.size).toBe(graph.edges.length);
    const claim = laid.routes['pool:on:CLAIM:0'];
    expect(moved.get('pool:on:CLAIM:0')!.label!.x).toBeCloseTo(claim.label!.x + 100, 0);
    const dragged = placedRoutes([laid], graph.edges, { ...at, won: { x: 5000, y: 5000 } });
    const touching = graph.edges.filter((e) => e.source === 'won' || e.target === 'won');
    expect(touching.length).toBeGreaterThan(0);
    for (const e of touching) expect(dragged.has(e.id)).toBe(false);
    expect(dragged.size).toBe(graph.edges.length - touching.length);
  });
});

describe('timer labels', () => {
  it('name the delay in English and say when it fires in Chinese, without raw names', () => {
    const policy = crm();
    expect(timerLabel(policy, 'owned', 'remind', 'en')).toBe('remind · 7d before release');
    expect(timerLabel(policy, 'owned', 'remind', 'zh')).toBe('提醒 · 转入公海前 7 天');
    expect(timerLabel(policy, 'owned', 'release', 'zh')).toBe('到期释放 · 30 天');
    // A delay without a Chinese name is described by when it fires, not by its identifier.
    policy.delays = { ...policy.delays, followUpDue: { days: 5 } };
    expect(timerLabel(policy, 'owned', 'followUpDue', 'zh')).toBe('5 天');
    expect(timerLabel(policy, 'nurture', 'nurtureEnd', 'zh')).not.toMatch(/[A-Za-z]/);
  });
});
