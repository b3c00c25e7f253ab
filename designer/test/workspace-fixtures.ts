// The CRM template as a pool member sees it (GET /api/pools/:pool/policy), for workspace tests.
import type { Pool, PoolPolicy } from '../src/api/pools.api.js';
import type { PoolRecord } from '../src/api/records.api.js';
import { poolPolicyView } from '../../runtime-api/src/routes/pool-policy/index.js';
import { crm } from './fixtures.js';

export const ME = {
  id: 'u-alice',
  username: 'alice',
  displayName: 'Alice Zhang',
  roles: ['member'],
};

/** The CRM pool (Asia/Shanghai) the workspace tests run in. */
export const CRM_POOL: Pool = {
  id: 'crm',
  key: 'crm',
  name: { en: 'Customers', zh: '客户公海' },
  policyId: 'crm-customer-pool',
  policyVersion: 1,
  distribution: 'manual',
  timeZone: 'Asia/Shanghai',
  departmentId: null,
  memberCount: 0,
  recordCount: 0,
  members: [],
};

export function crmPoolPolicy(): PoolPolicy {
  return {
    pool: 'crm',
    ...poolPolicyView(crm()),
    members: [
      {
        userId: 'u-alice',
        username: 'alice',
        displayName: 'Alice Zhang',
        role: 'member',
        seniority: 'junior',
        disabled: false,
      },
      {
        userId: 'u-bob',
        username: 'bob',
        displayName: 'Bob Li',
        role: 'member',
        seniority: 'senior',
        disabled: false,
      },
    ],
  };
}

/** A pooled CRM record as the list API sends it. */
export const pooledRecord = (
  id: string,
  name: string,
  extra: Partial<PoolRecord> = {},
): PoolRecord => ({
  id,
  pool: 'crm',
  policyId: 'crm-customer-pool',
  policyVersion: 1,
  state: 'pool',
  pooled: true,
  done: false,
  ownerId: null,
  tags: [],
  score: 10,
  data: { name },
  masked: [],
  seq: 1,
  poolEntries: 1,
  lastRelease: null,
  previousOwnerIds: [],
  timers: [],
  ...extra,
});
