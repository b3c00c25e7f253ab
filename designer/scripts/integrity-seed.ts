// Seeds a runtime for the pool-integrity browser test and screenshots: a CRM pool whose policy audits
// follow-ups (every one unless told otherwise), allows one call per customer in 48 hours and keeps
// customer names unique, a rep and a manager, and customers the rep owns. Follow-ups are sent by the callers (the test asserts what they change).
import { loadTemplate } from '../test/fixtures.js';
import { ADMIN_PASSWORD, apiCall, type Runtime } from './harness.js';

export const INTEGRITY_POOL = 'crm';
export const INTEGRITY_TIME_ZONE = 'Asia/Shanghai';

export interface IntegritySeed {
  tokens: Record<'admin' | 'rep' | 'boss', string>;
  ids: Record<'rep' | 'boss', string>;
  /** Record ids by customer name. */
  records: Record<string, string>;
  call: <T = unknown>(
    who: 'admin' | 'rep' | 'boss',
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<T>;
}

const PEOPLE = [
  { key: 'rep', username: 'chen', displayName: 'Chen Jie', roles: ['member'] },
  { key: 'boss', username: 'wang', displayName: 'Wang Min', roles: ['manager'] },
] as const;

/** The password of a seeded user (username-password). */
export const passwordOf = (username: string): string => `${username}-password`;

export async function seedIntegrity(
  runtime: Runtime,
  customers: string[],
  audit: Record<string, unknown> = { sampleRate: 1 },
): Promise<IntegritySeed> {
  const login = async (username: string, password: string) =>
    (
      await apiCall<{ token: string }>(runtime.url, null, 'POST', '/api/auth/login', {
        username,
        password,
      })
    ).token;
  const admin = await login('admin', ADMIN_PASSWORD);
  const tokens = { admin } as IntegritySeed['tokens'];
  const ids = {} as IntegritySeed['ids'];
  for (const p of PEOPLE) {
    const user = await apiCall<{ id: string }>(runtime.url, admin, 'POST', '/api/users', {
      username: p.username,
      password: passwordOf(p.username),
      displayName: p.displayName,
      roles: p.roles,
    });
    ids[p.key] = user.id;
    tokens[p.key] = await login(p.username, passwordOf(p.username));
  }
  const call: IntegritySeed['call'] = (who, method, path, body) =>
    apiCall(runtime.url, tokens[who], method, path, body);

  const policy = loadTemplate('crm-customer-pool');
  await call('admin', 'POST', '/api/policies', {
    document: {
      ...policy,
      // One record per customer name (查重): a duplicate is refused, naming the record.
      entity: { ...policy.entity, uniqueFields: ['name'] },
      audit,
      contact: { call: { max: 1, per: { hours: 48 } } },
    },
  });
  await call('admin', 'POST', `/api/policies/${policy.id}/publish`, { message: 'integrity' });
  await call('admin', 'POST', '/api/pools', {
    key: INTEGRITY_POOL,
    name: { en: 'Customer public pool', zh: '客户公海' },
    policyId: policy.id,
    timeZone: INTEGRITY_TIME_ZONE,
    members: Object.values(ids).map((userId) => ({ userId })),
  });
  const records: Record<string, string> = {};
  for (const name of customers) {
    // Created by the manager: the history names them.
    const created = await call<{ id: string }>(
      'boss',
      'POST',
      `/api/pools/${INTEGRITY_POOL}/records`,
      {
        data: { name, industry: 'trade', level: 'B' },
        ownerId: ids.rep,
      },
    );
    records[name] = created.id;
  }
  return { tokens, ids, records, call };
}
