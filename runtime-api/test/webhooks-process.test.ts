// The real server delivers webhooks by itself: a local receiver gets the webhook within 5 s of the event
// that caused it, signed with the named secret, and again after it first answered 500.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, ServerProcess, serverStorage, within } from './server-process.js';
import { verifySignature } from './webhook-signature.js';

const url = process.env['DATABASE_URL'];
const backends = url ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
const SECRET = 'process-test-secret';

interface Arrival {
  at: number;
  raw: string;
  key: string | undefined;
  signature: string | undefined;
}

describe.each(backends)('webhooks from the real server (%s)', (backend) => {
  let server: ServerProcess | undefined;
  let receiver: Server | undefined;
  let cleanup: () => Promise<void> = () => Promise.resolve();
  afterEach(async () => {
    await server?.stop();
    receiver?.close();
    await cleanup();
    server = undefined;
  });

  it(
    'delivers within 5 s of the event, signed, and retries after a 500',
    { timeout: 60_000 },
    async () => {
      const arrivals: Arrival[] = [];
      receiver = createServer((req, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          arrivals.push({
            at: Date.now(),
            raw,
            key: req.headers['idempotency-key'] as string | undefined,
            signature: req.headers['x-poolflow-signature'] as string | undefined,
          });
          res.statusCode = arrivals.length === 1 ? 500 : 200; // the first answer fails
          res.end();
        });
      });
      await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
      const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/won`;

      const storage = await serverStorage(backend, 0);
      cleanup = storage.cleanup;
      const env: Record<string, string> = {
        ...storage.env,
        POOLFLOW_WEBHOOK_ALLOW_PRIVATE: '1',
        POOLFLOW_OUTBOX_INTERVAL_MS: '200',
        POOLFLOW_WEBHOOK_SECRET_CRM: SECRET,
      };
      server = new ServerProcess(await freePort(), env);
      await server.started();
      const token = await server.login();
      const api = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${server!.base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };

      const policy = JSON.parse(
        await readFile(
          join(import.meta.dirname, '../../templates/crm-customer-pool/policy.json'),
          'utf8',
        ),
      ) as { machine: { states: Record<string, Record<string, unknown>> } };
      policy.machine.states['won']!['entry'] = [
        { type: 'webhook', params: { url: hookUrl, secretRef: 'crm' } },
      ];
      expect((await api('POST', '/api/policies', { document: policy })).status).toBe(201);
      expect((await api('POST', '/api/policies/crm-customer-pool/publish', {})).status).toBe(200);
      const rep = await api('POST', '/api/users', {
        username: 'rep',
        password: 'rep-password-1',
        displayName: 'Rep',
        roles: ['member'],
      });
      await api('POST', '/api/pools', {
        key: 'crm',
        name: { en: 'CRM' },
        policyId: 'crm-customer-pool',
        members: [{ userId: rep.body['id'] }],
      });
      const record = await api('POST', '/api/pools/crm/records', {
        data: { name: 'ACME' },
        ownerId: rep.body['id'],
      });
      const won = await api('POST', `/api/pools/crm/records/${String(record.body['id'])}/events`, {
        type: 'WIN',
      });
      expect(won.body['state']).toBe('won');
      const wonAt = Date.now();

      await within(
        5_000,
        () => Promise.resolve(arrivals.length),
        (n) => n >= 1,
      );
      expect(arrivals.length).toBeGreaterThanOrEqual(1);
      expect(arrivals[0]!.at - wonAt).toBeLessThan(5_000);
      expect(verifySignature(arrivals[0]!.signature, arrivals[0]!.raw, SECRET)).toBe(true);
      // The default body names the record, so the receiver can look it up.
      expect(JSON.parse(arrivals[0]!.raw)).toMatchObject({
        event: 'WIN',
        recordId: record.body['id'],
        entity: { name: 'ACME' },
        ownerId: rep.body['id'],
      });

      // The receiver answered 500: the server tries again after its first backoff (10 s).
      await within(
        20_000,
        () => Promise.resolve(arrivals.length),
        (n) => n >= 2,
      );
      expect(arrivals).toHaveLength(2);
      const [first, second] = arrivals as [Arrival, Arrival];
      expect(second.key).toBe(first.key);
      expect(second.at - first.at).toBeGreaterThanOrEqual(9_000);
      expect(verifySignature(second.signature, second.raw, SECRET)).toBe(true);
      const delivered = await within(
        5_000,
        async () =>
          (await api('GET', '/api/deliveries?status=delivered')).body['items'] as {
            attempts: number;
          }[],
        (items) => items.length === 1,
      );
      expect(delivered).toMatchObject([{ attempts: 2, lastError: null }]);
    },
  );
});
