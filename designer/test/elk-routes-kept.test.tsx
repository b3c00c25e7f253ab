// @vitest-environment jsdom
// The canvas's edges across an edit: adding a state keeps every other transition on the route (and
// its label in the box) it had, both while ELK lays out the new graph and after. Before, each edit
// dropped every edge to a curve until ELK was done, so a state placed clear of the routed labels
// landed on a curve's label (seen in CI: the new state on the HR template's "REJECT" label).
import type { Policy } from '@poolflow/engine';
import { renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { layoutPolicy } from '../src/canvas/auto-layout.js';
import { placedRoutes } from '../src/canvas/edge-geometry.js';
import { addState, policyToGraph, setLayout } from '../src/canvas/policy-graph.js';
import { useElkRoutes } from '../src/canvas/use-elk-routes.js';
import { loadTemplate } from './fixtures.js';

async function laidOutHr(): Promise<Policy> {
  const hr = loadTemplate('hr-candidate-pool');
  return setLayout(hr, (await layoutPolicy(hr)).positions);
}

/** The hook on the laid-out HR template, once ELK has routed it, with its label boxes. */
async function routedHr() {
  const hr = await laidOutHr();
  const { result, rerender } = renderHook(({ policy }) => useElkRoutes(policy), {
    initialProps: { policy: hr },
  });
  await waitFor(() => expect(result.current.upToDate).toBe(true), { timeout: 20_000 });
  return { hr, result, rerender, before: labelBoxes(hr, result.current) };
}

/** Each edge's label box as the canvas would draw it for this policy from these layouts. */
function labelBoxes(policy: Policy, elk: ReturnType<typeof useElkRoutes>) {
  const graph = policyToGraph(policy);
  const at = Object.fromEntries(graph.nodes.map((n) => [n.id, n.position]));
  const routes = placedRoutes(elk.layouts, graph.edges, at);
  return Object.fromEntries(graph.edges.map((e) => [e.id, routes.get(e.id)?.label ?? null]));
}

describe('edge routes across an edit', () => {
  it('keeps every transition on its route while ELK lays out an added state, and after', async () => {
    const { hr, result, rerender, before } = await routedHr();
    expect(Object.values(before).every((box) => box !== null)).toBe(true);

    const { policy: added } = addState(hr, { position: { x: 2000, y: 2000 } });
    rerender({ policy: added });
    expect(result.current.upToDate).toBe(false);
    expect(labelBoxes(added, result.current)).toEqual(before);

    await waitFor(() => expect(result.current.upToDate).toBe(true), { timeout: 20_000 });
    expect(labelBoxes(added, result.current)).toEqual(before);
  }, 60_000);

  it('does not draw a transition whose label changed in the box of its old label', async () => {
    const { hr, result, rerender, before } = await routedHr();

    // "◷ reengage · 90d" becomes "· 365d": its old box is too narrow; the other labels stay put.
    const longer: Policy = { ...hr, delays: { ...hr.delays, reengage: { days: 365 } } };
    rerender({ policy: longer });
    const during = labelBoxes(longer, result.current);
    const reengage = Object.keys(during).filter((id) => id.includes('reengage'));
    expect(reengage).toHaveLength(1);
    for (const [id, box] of Object.entries(during)) {
      expect(box).toEqual(reengage.includes(id) ? null : before[id]);
    }
    await waitFor(() => expect(result.current.upToDate).toBe(true), { timeout: 20_000 });
    expect(Object.values(labelBoxes(longer, result.current)).every((b) => b !== null)).toBe(true);
  }, 60_000);
});
