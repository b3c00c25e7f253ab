// The typed client (src/client.ts) against a real app listening on a port: login, pools, records, errors, CSV.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, PoolflowApiError, type PoolflowClient } from '../src/client.js';
import { backends, build, template, type TestApp } from './helpers.js';

describe.each(backends)('typed client over HTTP (%s)', (backend) => {
  let t: TestApp;
  let client: PoolflowClient;

  beforeAll(async () => {
    t = await build(backend);
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    client = createClient({ baseUrl: address });
    await client.login('admin', 'admin-password-for-tests');
  });
  afterAll(() => t.close());

  it('creates a policy, a pool and a record, and reads them back typed', async () => {
    const policy = await client.call('createPolicy', {
      body: { document: template('crm-customer-pool') },
    });
    expect(policy.latestVersion).toBe(0);
    const published = await client.call('publishPolicy', {
      params: { id: policy.id },
      body: { message: 'first' },
    });
    expect(published.version).toBe(1);
    const me = await client.call('getMe');
    const pool = await client.call('createPool', {
      body: {
        key: 'crm',
        name: { en: 'Customers' },
        policyId: policy.id,
        members: [{ userId: me.id, role: 'admin' }],
      },
    });
    expect(pool).toMatchObject({ key: 'crm', policyVersion: 1, memberCount: 1 });
    const record = await client.call('createRecord', {
      params: { pool: 'crm' },
      body: { data: { name: 'ACME Trading', industry: 'trade' }, ownerId: me.id },
      idempotencyKey: 'client-test-1',
    });
    expect(record).toMatchObject({ state: 'owned', ownerId: me.id });
    expect(record.availableEvents).toContain('FOLLOW_UP');
    const page = await client.call('listRecords', {
      params: { pool: 'crm' },
      query: { view: 'mine', limit: 10 },
    });
    expect(page.items.map((r) => r.id)).toEqual([record.id]);
    expect(page.nextCursor).toBeNull();
    // Text replies come back as text.
    const csv = await client.call('exportRecords', { params: { pool: 'crm' } });
    expect(csv.split('\n')[0]).toContain('id,state,stateLabel,ownerId,owner');
    expect(csv).toContain('ACME Trading');
  });

  it('throws the error reply with its status and code', async () => {
    const error = await client
      .call('getRecord', { params: { pool: 'crm', id: '00000000-0000-4000-8000-000000000000' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolflowApiError);
    expect(error).toMatchObject({ status: 404, code: 'POOL_ERR_NOT_FOUND' });
    const anonymous = createClient({ baseUrl: `http://127.0.0.1:${portOf(t)}` });
    await expect(anonymous.call('listPools')).rejects.toMatchObject({
      status: 401,
      code: 'POOL_ERR_UNAUTHENTICATED',
    });
  });
});

function portOf(t: TestApp): number {
  const address = t.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  return address.port;
}
