// A rep's integrity record (诚信档案) from the decided audits: violations (fake verdicts) in all and in
// the last 90 days, audits passed. Rules read it as `user.integrity`; counted over every pool.
import type { CompiledPolicy, Integrity } from '@poolflow/engine';
import type { Knex } from 'knex';

/** Days a violation counts in `violations90d` (the simulator's RECENT_VIOLATION_DAYS). */
export const RECENT_VIOLATION_DAYS = 90;

/**
 * The integrity record of the user `user` at time `now` (SQL expressions) as one JSON value; uses the
 * audits_integrity index (actor, decided_at).
 */
export const integritySql = (user: string, now: string): string =>
  `(SELECT json_build_object(
      'violations', count(*) FILTER (WHERE a.verdict = 'fake'),
      'violations90d', count(*) FILTER (WHERE a.verdict = 'fake'
        AND a.decided_at > ${now} - interval '${RECENT_VIOLATION_DAYS} days'),
      'auditsPassed', count(*) FILTER (WHERE a.verdict = 'confirmed'))
    FROM audits a WHERE a.actor_id = ${user} AND a.verdict IS NOT NULL)`;

const reads = new WeakMap<CompiledPolicy, boolean>();

/** Whether any rule of the policy reads `user.integrity` (only then is it read with an event). */
export function readsIntegrity(compiled: CompiledPolicy): boolean {
  let known = reads.get(compiled);
  if (known === undefined) {
    known = JSON.stringify(compiled.policy).includes('user.integrity');
    reads.set(compiled, known);
  }
  return known;
}

/** Normalises the JSON the statement gives (counts may come back as strings). */
export function integrityOf(value: unknown): Integrity {
  const v = (value ?? {}) as Record<string, unknown>;
  return {
    violations: Number(v['violations'] ?? 0),
    violations90d: Number(v['violations90d'] ?? 0),
    auditsPassed: Number(v['auditsPassed'] ?? 0),
  };
}

/** One user's integrity record at `now` (epoch ms), for paths that have no batched read. */
export async function readIntegrity(
  db: Knex | Knex.Transaction,
  userId: string,
  now: number,
): Promise<Integrity> {
  const { rows } = await db.raw<{ rows: { integrity: unknown }[] }>(
    `SELECT ${integritySql('CAST(? AS text)', 'to_timestamp(CAST(? AS float8) / 1000)')} AS integrity`,
    // The time comes first in the statement's text (violations90d), the user last.
    [now, userId],
  );
  return integrityOf(rows[0]?.integrity);
}
