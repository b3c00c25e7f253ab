// Shared by the bad-input tests: an app with the CRM pool, alice and her record, and error paths.
import { afterAll, beforeAll } from 'vitest';
import { build, call, crmPool, type Backend, type TestApp } from './helpers.js';

/** The fields an error names, as JSON pointers. */
export const paths = (body: { error: { details: { path: string }[] } }) =>
  body.error.details.map((d) => d.path);

/** What a bad-input test reaches: set in beforeAll, so read it inside the tests. */
export class BadInputApp {
  t!: TestApp;
  tokens!: Record<string, string>;
  ids!: Record<string, string>;
  recordId!: string;
  // Arrow functions, so a test can take them out of the object.
  count = async (table: string, where: Record<string, unknown> = {}) =>
    Number(
      ((await this.t.app.db(table).where(where).count({ n: '*' }).first()) as { n: unknown }).n,
    );
  eventsUrl = () => `/api/pools/crm/records/${this.recordId}/events`;
}

/** Builds the app before the describe's tests (the CRM pool, alice, one record she owns). */
export function badInputApp(backend: Backend): BadInputApp {
  const crm = new BadInputApp();
  beforeAll(async () => {
    crm.t = await build(backend);
    ({ tokens: crm.tokens, ids: crm.ids } = await crmPool(crm.t, { alice: {} }));
    const created = await call(crm.t.app, crm.tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME' },
      ownerId: crm.ids['alice'],
    });
    crm.recordId = created.body.id as string;
  });
  afterAll(() => crm.t.close());
  return crm;
}
