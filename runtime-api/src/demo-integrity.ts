// The demo's pool integrity (issue 15): a senior team pool that receives hard records and a nurture pool
// for non-target leads (the CRM template's routing.json on the entrance pool "crm"), audits a manager
// decided, a few left open, and a customer called so recently that the next call is refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Routing } from '@poolflow/engine';
import type { Knex } from 'knex';
import { PoolRepository } from './repositories/pool.repository.js';
import type { AuditService } from './services/audit.service.js';
import type { PolicyStore } from './services/policy-store.js';
import type { Actor, RecordService } from './services/record.service.js';
import { RoutingService } from './services/routing.service.js';

const DAY = 86_400_000;
/** Audits the demo's manager leaves open: those of the last days. */
const OPEN_AUDIT_DAYS = 7;
/** Audits decided per simulated day at most (the demo's bound). */
const VERDICTS_PER_DAY = 50;

/** The CRM pools the demo seeds: the entrance pool and the two its routing sends records to. */
export const CRM_POOLS = ['crm', 'crm-seniors', 'crm-nurture'] as const;

/**
 * Adds the senior team's pool (managers and senior reps) and the nurture pool (everyone) next to
 * "crm", and gives "crm" the template's routing, checked as the API checks it.
 */
export async function addRoutedPools(
  knex: Knex,
  policies: PolicyStore,
  templatesDir: string,
  members: { manager: Actor; users: readonly Actor[] },
): Promise<void> {
  const senior = (u: Actor) => u.attributes?.['seniority'] === 'senior';
  const pools = [
    { key: 'crm-seniors', name: { en: 'Senior team pool', zh: '攻坚小组公海' }, who: senior },
    { key: 'crm-nurture', name: { en: 'Nurture pool', zh: '培育池' }, who: () => true },
  ];
  for (const pool of pools) {
    await knex('pools').insert({
      key: pool.key,
      name: JSON.stringify(pool.name),
      policy_id: 'crm-customer-pool',
      policy_version: 1,
      distribution: 'manual',
    });
    await knex('pool_members').insert(
      members.users
        .filter((u) => u === members.manager || pool.who(u))
        .map((u) => ({
          pool_key: pool.key,
          user_id: u.id,
          role: u === members.manager ? 'admin' : 'member',
        })),
    );
  }
  const file = join(templatesDir, 'crm-customer-pool', 'routing.json');
  const routing = JSON.parse(readFileSync(file, 'utf8')) as Routing;
  await new RoutingService(new PoolRepository(knex), policies).save('crm', routing);
}

/**
 * The manager's audit round on a seeded day: audits older than OPEN_AUDIT_DAYS get a verdict (a note
 * under 10 characters is fake, the rest confirmed); newer ones stay open for the queue.
 */
export async function decideOldAudits(
  knex: Knex,
  audits: AuditService,
  manager: Actor,
  now: number,
): Promise<void> {
  const due = (await knex('audits')
    .whereIn('pool_key', CRM_POOLS)
    .where({ status: 'open' })
    .where('at', '<', new Date(now - OPEN_AUDIT_DAYS * DAY))
    .orderBy('at')
    .limit(VERDICTS_PER_DAY)
    .select('id', 'pool_key', 'payload')) as {
    id: string;
    pool_key: string;
    payload: { note?: unknown } | null;
  }[];
  for (const audit of due) {
    const note = audit.payload?.note;
    const fake = typeof note === 'string' && note.length < 10;
    await audits.decide(
      audit.pool_key,
      audit.id,
      fake
        ? { verdict: 'fake', note: 'no call or chat behind this note' }
        : { verdict: 'confirmed' },
      manager.id,
    );
  }
}

/**
 * A customer called an hour ago: a second call, by another rep, is refused until 48 hours after the
 * first (the record page says when the next call is allowed). Returns what to print.
 */
export async function callTwice(
  knex: Knex,
  records: RecordService,
  caller: Actor,
  manager: Actor,
  setNow: (ms: number) => void,
  now: number,
): Promise<string> {
  const ids = (await knex('records')
    .where({ pool_key: 'crm', state: 'owned', owner_id: caller.id })
    .orderBy('id')
    .limit(10)
    .pluck('id')) as string[];
  setNow(now - 3_600_000);
  const payload = { channel: 'call', note: 'called about the renewal, sending a quote' };
  // The first of the caller's records not called in the last 48 hours of the seeded days.
  let row: { id: string } | undefined;
  for (const id of ids) {
    try {
      await records.send('crm', id, { type: 'FOLLOW_UP', payload }, caller);
      row = { id };
      break;
    } catch {
      continue;
    }
  }
  if (!row) return 'No owned record to call.';
  setNow(now - 600_000);
  try {
    const again = { channel: 'call', note: 'manager calling to check the quote' };
    await records.send('crm', row.id, { type: 'FOLLOW_UP', payload: again }, manager);
    return `Record ${row.id}: a second call went through (no contact limit?).`;
  } catch (e) {
    const { code, details } = e as { code?: string; details?: { until?: string } };
    if (code !== 'POOL_ERR_CONTACT_LIMIT') return `Record ${row.id}: the second call got ${code}.`;
    return `Record ${row.id} was called an hour ago; the next call is allowed from ${details?.until}.`;
  }
}
