import { validate } from '@poolflow/engine';
import { describe, expect, it } from 'vitest';
import {
  addState,
  addTransition,
  deleteState,
  deleteTransition,
  freePosition,
  moveTransition,
  policyToGraph,
  renameState,
  setLayout,
} from '../src/canvas/policy-graph.js';
import { crossesNodes, detourBend } from '../src/canvas/edge-geometry.js';
import { problemTargets, selectionForPointer } from '../src/canvas/selection.js';
import { getTransition, parseTransitionId, transitionId } from '../src/canvas/transition-ref.js';
import { crm } from './fixtures.js';

/** The CRM template on a grid of known positions (its stored layout is ELK's and may change). */
const gridCrm = () =>
  setLayout(crm(), {
    owned: { x: 0, y: 0 },
    pool: { x: 320, y: 0 },
    nurture: { x: 0, y: 200 },
    review: { x: 320, y: 200 },
    won: { x: -320, y: 0 },
    lost: { x: -320, y: 200 },
  });

describe('policy -> graph', () => {
  it('maps states to nodes with pool, final and initial flags and template positions', () => {
    const { nodes } = policyToGraph(crm());
    const byId = Object.fromEntries(nodes.map((n) => [n.id, n]));
    expect(nodes.map((n) => n.id)).toEqual(['owned', 'pool', 'nurture', 'review', 'won', 'lost']);
    expect(byId['owned']).toMatchObject({
      initial: true,
      pooled: false,
      final: false,
      label: 'Owned',
    });
    expect(byId['pool']).toMatchObject({
      pooled: true,
      initial: false,
      position: crm().layout?.['pool'],
    });
    expect(byId['won']).toMatchObject({ final: true });
  });

  it('shows Chinese labels when Chinese is chosen', () => {
    const { nodes, edges } = policyToGraph(crm(), 'zh');
    expect(nodes.find((n) => n.id === 'pool')?.label).toBe('公海');
    expect(edges.find((e) => e.id === 'owned:on:FOLLOW_UP:0')?.label).toBe('跟进');
  });

  it('labels event edges with the event and timer edges with the delay in days', () => {
    const { edges } = policyToGraph(crm());
    const release = edges.find((e) => e.id === 'owned:after:release:0');
    expect(release).toMatchObject({ source: 'owned', target: 'pool', label: '◷ release · 30d' });
    expect(edges.find((e) => e.id === 'pool:on:CLAIM:0')).toMatchObject({
      target: 'review',
      guard: 'isFifthClaim',
    });
  });

  it('stacks self-loops, including a timer without a target', () => {
    const loops = policyToGraph(crm()).edges.filter(
      (e) => e.source === 'owned' && e.target === 'owned',
    );
    expect(loops.map((e) => e.id).sort()).toEqual([
      'owned:after:escalate:0',
      'owned:after:remind:0',
      'owned:on:ASSIGN:0',
      'owned:on:FOLLOW_UP:0',
      'owned:on:FOLLOW_UP:1',
    ]);
    expect(loops.map((e) => e.loop).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(loops.find((e) => e.ref.key === 'remind')?.internal).toBe(true);
    // A follow-up that does not count (countsAsFollowUp false) is recorded without re-entering.
    expect(loops.find((e) => e.id === 'owned:on:FOLLOW_UP:1')?.internal).toBe(true);
    expect(loops.find((e) => e.id === 'owned:on:FOLLOW_UP:0')).toMatchObject({
      internal: false,
      guard: 'countsAsFollowUp',
    });
  });

  it('gives parallel edges between two states distinct lanes, in either direction', () => {
    const between = policyToGraph(crm()).edges.filter(
      (e) => [e.source, e.target].sort().join() === 'owned,pool',
    );
    // owned -> pool: RELEASE, release timer; pool -> owned: CLAIM (2nd branch), ASSIGN.
    expect(between).toHaveLength(4);
    // Lanes are relative to each edge's own direction: flip reversed ones to compare on one axis.
    const lanes = between.map((e) => (e.source < e.target ? e.bend : -e.bend));
    expect(new Set(lanes).size).toBe(4);
    const single = policyToGraph(crm()).edges.find((e) => e.id === 'review:on:LOSE:0');
    expect(single?.bend).toBe(0);
  });
});

describe('edits', () => {
  it('adds a state with a unique name and a position', () => {
    const first = addState(crm(), { position: { x: 10, y: 20 } });
    const second = addState(first.policy);
    expect(first.name).toBe('state');
    expect(second.name).toBe('state_2');
    expect(first.policy.layout?.['state']).toEqual({ x: 10, y: 20 });
    expect(validate(second.policy).problems.map((p) => p.code)).toContain('unreachable-state');
  });

  it('places a new state where it covers no other', () => {
    expect(freePosition(gridCrm(), { x: 1000, y: 1000 })).toEqual({ x: 1000, y: 1000 });
    // owned (0, 0) is in the way, nurture (0, 200) below it: the nearest free spot is above owned.
    expect(freePosition(gridCrm(), { x: 10, y: 0 })).toEqual({ x: 10, y: -120 });
  });

  it('places a new state clear of the edge labels, near where it was asked for', () => {
    // A label (the HR template's "CLAIM") right where the user looks: the state goes beside it.
    const label = { x: 1000, y: 1000, width: 40, height: 20 };
    const spot = freePosition(gridCrm(), { x: 980, y: 990 }, { labels: [label] });
    const covers =
      spot.x - 10 < label.x + label.width &&
      label.x < spot.x + 190 &&
      spot.y - 10 < label.y + label.height &&
      label.y < spot.y + 74;
    expect(covers).toBe(false);
    expect(Math.hypot(spot.x - 980, spot.y - 990)).toBeLessThanOrEqual(120);
    expect(freePosition(gridCrm(), { x: 980, y: 990 })).toEqual({ x: 980, y: 990 });
  });

  it("places a new state off the edges' lines where the view has room, on them where not", () => {
    // A vertical line through where the user looks, drawn from y 800 to 1200 at x 1070.
    const lines = Array.from({ length: 51 }, (_, i) => ({ x: 1070, y: 800 + i * 8 }));
    const onLine = (s: { x: number }) => s.x - 8 < 1070 && 1070 < s.x + 180 + 8;
    const asked = { x: 980, y: 990 };
    const view = { x: 600, y: 700, width: 1000, height: 600 };
    const spot = freePosition(gridCrm(), asked, { lines, within: view });
    expect(onLine(spot)).toBe(false);
    expect(spot.x).toBeGreaterThanOrEqual(view.x);
    expect(spot.x + 180).toBeLessThanOrEqual(view.x + view.width);
    // Off the line the nearest spot is 120px aside (the state is 180 wide, with 8px room each side).
    expect(Math.hypot(spot.x - asked.x, spot.y - asked.y)).toBe(120);
    // A view no wider than the state: no spot in it is off the line, so the line is crossed.
    const narrow = { x: 980, y: 900, width: 180, height: 250 };
    expect(freePosition(gridCrm(), asked, { lines, within: narrow })).toEqual(asked);
  });

  it('renames a state in targets, initial state and layout', () => {
    const renamed = renameState(gridCrm(), 'owned', 'mine');
    expect(renamed.machine.initial).toBe('mine');
    expect(renamed.machine.states['pool']?.on?.['ASSIGN']).toBe('mine');
    expect(renamed.machine.states['pool']?.on?.['CLAIM']).toEqual([
      { target: 'review', guard: 'isFifthClaim' },
      { target: 'mine' },
    ]);
    expect(renamed.machine.states['mine']?.on?.['FOLLOW_UP']).toMatchObject([
      { target: 'mine', reenter: true, guard: 'countsAsFollowUp' },
      { actions: [{ type: 'set' }] },
    ]);
    expect(renamed.machine.states['nurture']?.on?.['FOLLOW_UP']).toMatchObject([
      { target: 'mine', guard: 'countsAsFollowUp' },
      {},
    ]);
    expect(renamed.layout?.['mine']).toEqual({ x: 0, y: 0 });
    expect(Object.keys(renamed.machine.states)[0]).toBe('mine');
    expect(validate(renamed)).toEqual({ valid: true, problems: [], warnings: [] });
    expect(renameState(crm(), 'owned', 'pool')).toEqual(crm());
    expect(renameState(crm(), 'owned', 'not valid')).toEqual(crm());
  });

  it('deletes a state with the transitions that lead to it', () => {
    const next = deleteState(crm(), 'review');
    expect(next.machine.states['review']).toBeUndefined();
    // One branch left: stored in its shortest form.
    expect(next.machine.states['pool']?.on?.['CLAIM']).toBe('owned');
    expect(next.layout?.['review']).toBeUndefined();
    expect(validate(next).valid).toBe(true);
  });

  it('adds, moves and deletes transitions, creating and resolving a dead end', () => {
    const added = addState(crm());
    const into = addTransition(added.policy, 'review', added.name);
    expect(transitionId(into.ref)).toBe('review:on:NEW_EVENT:0');
    // The new state is now reachable but has no way out.
    expect(validate(into.policy).problems.map((p) => p.code)).toEqual(['no-exit']);
    const out = addTransition(into.policy, added.name, 'pool', 'GIVE_UP');
    expect(validate(out.policy)).toEqual({ valid: true, problems: [], warnings: [] });

    const moved = moveTransition(out.policy, out.ref, 'on', 'RELEASE');
    expect(moved.ref).toEqual({ source: 'state', kind: 'on', key: 'RELEASE', index: 0 });
    expect(moved.policy.machine.states['state']?.on).toEqual({ RELEASE: 'pool' });

    const branch = addTransition(moved.policy, 'pool', 'owned', 'CLAIM');
    expect(branch.ref.index).toBe(2);
    const removed = deleteTransition(branch.policy, {
      source: 'pool',
      kind: 'on',
      key: 'CLAIM',
      index: 0,
    });
    expect(removed.machine.states['pool']?.on?.['CLAIM']).toEqual([
      { target: 'owned' },
      { target: 'owned' },
    ]);
    const gone = deleteTransition(moved.policy, moved.ref);
    expect(gone.machine.states['state']?.on).toBeUndefined();
  });

  it('adds a self-loop from a state to itself', () => {
    const { policy, ref } = addTransition(crm(), 'review', 'review', 'NOTE');
    const loop = policyToGraph(policy).edges.find((e) => e.id === transitionId(ref));
    expect(loop).toMatchObject({ source: 'review', target: 'review', internal: false, loop: 0 });
  });

  it('stores rounded positions for known states only', () => {
    const next = setLayout(crm(), { owned: { x: 1.4, y: 2.6 }, ghost: { x: 0, y: 0 } });
    expect(next.layout?.['owned']).toEqual({ x: 1, y: 3 });
    expect(next.layout?.['ghost']).toBeUndefined();
  });
});

describe('problem pointers', () => {
  it('maps JSON pointers to the node, edge or settings section they are about', () => {
    const policy = crm();
    expect(selectionForPointer(policy, '/machine/states/pool')).toEqual({
      kind: 'state',
      name: 'pool',
    });
    expect(selectionForPointer(policy, '/machine/states/pool/on/CLAIM/0/guard')).toEqual({
      kind: 'transition',
      id: 'pool:on:CLAIM:0',
    });
    expect(selectionForPointer(policy, '/machine/states/owned/after/release/target')).toEqual({
      kind: 'transition',
      id: 'owned:after:release:0',
    });
    expect(selectionForPointer(policy, '/machine/states/owned/entry/0')).toEqual({
      kind: 'state',
      name: 'owned',
    });
    expect(selectionForPointer(policy, '/delays/release/days')).toEqual({
      kind: 'settings',
      section: 'delays',
    });
    expect(selectionForPointer(policy, '/claim/eligible/or/1')).toEqual({
      kind: 'settings',
      section: 'claim',
    });
  });

  it('marks the states and transitions that have problems', () => {
    const broken = addState(crm(), { name: 'orphan' }).policy;
    (broken.machine.states['owned'].on as Record<string, unknown>)['WIN'] = 'nowhere';
    const { problems } = validate(broken);
    const targets = problemTargets(broken, problems);
    expect(targets.edges.has('owned:on:WIN:0')).toBe(true);
    // Unreachable, and not final with no way out.
    expect(targets.states.get('orphan')).toBe(2);
    expect(parseTransitionId('owned:on:WIN:0')).toEqual({
      source: 'owned',
      kind: 'on',
      key: 'WIN',
      index: 0,
    });
    expect(getTransition(broken, { source: 'owned', kind: 'on', key: 'WIN', index: 0 })).toEqual({
      target: 'nowhere',
    });
  });
});

describe('edge routing', () => {
  const box = (x: number, y: number) => ({ x, y, width: 180, height: 64 });

  it('keeps a straight edge straight when nothing is in its way', () => {
    expect(detourBend(box(0, 0), box(400, 0), [box(200, 300)])).toBe(0);
  });

  it('bends an edge around a state that sits between its ends (CRM: review -> lost past nurture)', () => {
    const review = box(320, 200);
    const lost = box(-320, 200);
    const nurture = box(0, 200);
    expect(crossesNodes(review, lost, 0, [nurture])).toBe(true);
    const bend = detourBend(review, lost, [nurture]);
    expect(bend).not.toBe(0);
    expect(crossesNodes(review, lost, bend, [nurture])).toBe(false);
  });
});
