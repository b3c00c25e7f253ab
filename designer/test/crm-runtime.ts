// A real runtime for workspace component tests: the CRM template published as one pool "crm", its users
// signed in (tokens and users as the login reply gives them), and the admin's API.
import type { Policy } from '@poolflow/engine';
import { memoryImage } from '../../runtime-api/test/memory-image.js';
import type { User } from '../src/api/auth.api.js';
import {
  adminApi,
  apiCall,
  startRuntime,
  type ApiCaller,
  type Runtime,
} from '../scripts/harness.js';
import { crm } from './fixtures.js';

export interface CrmRuntime {
  runtime: Runtime;
  asAdmin: ApiCaller;
  /** Signed-in users by username. */
  users: Record<string, { token: string; me: User }>;
}

/**
 * Starts a runtime on an embedded database with pool "crm" (Customers / 客户公海) running `policy`
 * (the CRM template unless given), every user of `roles` (username -> roles) a member of it.
 */
export async function startCrmRuntime(
  roles: Record<string, string[]>,
  policy: Policy = crm(),
): Promise<CrmRuntime> {
  const runtime = await startRuntime(memoryImage());
  const asAdmin = await adminApi(runtime.url);
  const users: CrmRuntime['users'] = {};
  const members: { userId: string }[] = [];
  for (const [username, userRoles] of Object.entries(roles)) {
    const password = `${username}-password-123`;
    const user = await asAdmin<{ id: string }>('POST', '/api/users', {
      username,
      password,
      displayName: username,
      roles: userRoles,
    });
    members.push({ userId: user.id });
    const login = await apiCall<{ token: string; user: User }>(
      runtime.url,
      null,
      'POST',
      '/api/auth/login',
      { username, password },
    );
    users[username] = { token: login.token, me: login.user };
  }
  await asAdmin('POST', '/api/policies', { document: policy });
  await asAdmin('POST', `/api/policies/${policy.id}/publish`, { message: 'first' });
  await asAdmin('POST', '/api/pools', {
    key: 'crm',
    name: { en: 'Customers', zh: '客户公海' },
    policyId: policy.id,
    members,
  });
  return { runtime, asAdmin, users };
}
