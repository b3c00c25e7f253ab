import { describe, expect, it } from 'vitest';
import { addState, addTransition, renameState } from '../src/canvas/policy-graph.js';
import { diffPolicies, isEmptyDiff } from '../src/versions/version-diff.js';
import { crm } from './fixtures.js';

describe('version diff', () => {
  it('finds no change between identical versions', () => {
    expect(isEmptyDiff(diffPolicies(crm(), crm()))).toBe(true);
  });

  it('lists added states and transitions', () => {
    const added = addState(crm(), { name: 'dormant' });
    const linked = addTransition(added.policy, 'pool', 'dormant', 'PARK').policy;
    const diff = diffPolicies(crm(), linked);
    expect(diff.states).toEqual([{ key: 'dormant', title: 'dormant', change: 'added' }]);
    expect(diff.transitions).toEqual([
      { key: 'pool:on:PARK:0', title: 'pool —PARK→ dormant', change: 'added' },
    ]);
    expect(diff.rules).toEqual([]);
  });

  it('lists removed and changed transitions with the fields that changed', () => {
    const after = structuredClone(crm());
    const owned = after.machine.states['owned'];
    delete owned.on!['LOSE'];
    owned.on!['WIN'] = { target: 'won', guard: 'isSenior' };
    const diff = diffPolicies(crm(), after);
    expect(diff.transitions).toEqual([
      { key: 'owned:on:LOSE:0', title: 'owned —LOSE→ lost', change: 'removed' },
      { key: 'owned:on:WIN:0', title: 'owned —WIN→ won', change: 'changed', fields: ['guard'] },
    ]);
  });

  it('lists state changes apart from their transitions', () => {
    const after = structuredClone(crm());
    after.machine.states['review'].meta = { label: { en: 'Review', zh: '审核' } };
    delete after.machine.states['pool'].entry;
    const diff = diffPolicies(crm(), after);
    expect(diff.states).toEqual([
      { key: 'pool', title: 'pool', change: 'changed', fields: ['entry'] },
      { key: 'review', title: 'review', change: 'changed', fields: ['meta'] },
    ]);
    expect(diff.transitions).toEqual([]);
  });

  it('shows a renamed state as removed + added, with its transitions and the initial state', () => {
    const diff = diffPolicies(crm(), renameState(crm(), 'nurture', 'parked'));
    expect(diff.states.map((s) => `${s.change} ${s.key}`)).toEqual([
      'removed nurture',
      'added parked',
    ]);
    expect(diff.transitions.filter((t) => t.change === 'changed').map((t) => t.key)).toEqual([
      'owned:on:NURTURE:0',
    ]);
  });

  it('lists rules added, removed and changed, and changed settings sections', () => {
    const after = structuredClone(crm());
    after.rules = { ...after.rules, isA: { '==': [{ var: 'entity.level' }, 'A'] } };
    delete after.rules['isFifthClaim'];
    after.rules['isHard'] = { '>=': [{ var: 'instance.poolEntries' }, 4] };
    after.delays!['release'] = { days: 45 };
    after.claim!.maxPerDay = 10;
    const diff = diffPolicies(crm(), after);
    expect(diff.rules.map((r) => `${r.change} ${r.key}`)).toEqual([
      'removed isFifthClaim',
      'changed isHard',
      'added isA',
    ]);
    expect(diff.settings).toEqual([
      { key: 'delays', title: 'delays', change: 'changed', fields: ['release'] },
      { key: 'claim', title: 'claim', change: 'changed', fields: ['maxPerDay'] },
    ]);
  });
});
