// Push distribution picks an eligible member: hard records only to seniors, never the last owner, not past capacity.
import { compile, start, type Policy } from '@poolflow/engine';
import { describe, expect, it } from 'vitest';
import { chooseMember } from '../src/services/distributor.js';
import { template } from './helpers.js';

const crm = compile(template('crm-customer-pool') as unknown as Policy);
const member = (
  id: string,
  seniority: string,
  owned: number,
  capacity: number | null = null,
  last = 0,
) => ({
  user_id: id,
  capacity,
  last_assigned_at: last ? new Date(last) : null,
  roles: ['member'],
  attributes: { seniority },
  owned,
});

describe('chooseMember', () => {
  const pooled = start(crm, { entity: { name: 'X' }, now: 0, ownerId: null });
  const record = { data: { name: 'X' }, snapshot: pooled.snapshot };
  const hard = {
    data: { name: 'X' },
    snapshot: {
      ...pooled.snapshot,
      instance: { ...pooled.snapshot.instance, tags: ['hard'], previousOwnerIds: ['sam'] },
    },
  };

  it('round robin takes the member assigned longest ago', () => {
    const m = [
      member('a', 'junior', 0, null, 3000),
      member('b', 'junior', 5, null, 1000),
      member('c', 'junior', 1, null, 2000),
    ];
    expect(chooseMember('roundRobin', m, record, crm, 0)?.user_id).toBe('b');
  });

  it('least loaded compares owned against capacity and skips full members', () => {
    const m = [
      member('a', 'junior', 5, 10),
      member('b', 'junior', 3, 4),
      member('c', 'junior', 8, 8),
    ];
    expect(chooseMember('leastLoaded', m, record, crm, 0)?.user_id).toBe('a');
  });

  it('gives hard records only to eligible (senior) members, and never back to the last owner', () => {
    const m = [member('amy', 'junior', 0), member('sam', 'senior', 0), member('sue', 'senior', 9)];
    expect(chooseMember('leastLoaded', m, hard, crm, 0)?.user_id).toBe('sue');
    expect(chooseMember('leastLoaded', m.slice(0, 2), hard, crm, 0)).toBeNull();
  });
});
