// The per-rep table of pool analytics: what each rep did in a range (claims, follow-ups, wins, losses,
// releases by a timer and by hand with their reasons) and the records each owns now.
import type { Knex } from 'knex';
import type { RepStats } from '../api.types.js';
import { csvLine } from './csv.js';

/** Reps one table lists (most claims first), and release reasons kept per rep (the rest as "(other)"). */
export const REPS_LIMIT = 1000;
export const REASONS_PER_REP = 20;
/** The event a rep's follow-up is. */
export const FOLLOW_UP_EVENT = 'FOLLOW_UP';

/** One rep's row (the contract's type, schemas/api-replies.schema.json#repStats). */
export type { RepStats };
export type RepRow = RepStats['reps'][number];

type Kind = 'claim' | 'followUp' | 'win' | 'loss' | 'timedOut' | 'release';

/**
 * One pass over the pool's history at [from, to) (history_pool_at): claims and follow-ups go to their
 * actor; wins, losses and releases to the owner before the event, a timer's release only from a held
 * state (a parked record's planned return is no one's timeout). Load: records the rep owns in the pool
 * now that are not done and count toward the claim limit (records_owner), as claim limits count them.
 */
export async function repStats(
  db: Knex,
  pool: string,
  states: { pooled: string[]; success: string[]; failure: string[]; held: string[] },
  range: { from: number; to: number },
): Promise<RepStats> {
  const [events, load, members, audits] = await Promise.all([
    db.raw<{ rows: { rep: string; kind: Kind; reason: string | null; n: number }[] }>(
      `SELECT rep, kind, reason, count(*)::int AS n FROM (
         SELECT CASE WHEN event_type IN ('CLAIM', :followUp) THEN actor_id ELSE owner_from END AS rep,
                CASE WHEN event_type = 'CLAIM' THEN 'claim'
                     WHEN event_type = :followUp THEN 'followUp'
                     WHEN to_state = ANY(:success) AND from_state <> ALL(:success) THEN 'win'
                     WHEN to_state = ANY(:failure) AND from_state <> ALL(:failure) THEN 'loss'
                     WHEN to_state = ANY(:pooled) AND from_state = ANY(:held) AND event_type = 'TIMER'
                       THEN 'timedOut'
                     WHEN to_state = ANY(:pooled) AND from_state <> ALL(:pooled) AND event_type = 'RELEASE'
                       THEN 'release'
                END AS kind,
                CASE WHEN event_type = 'RELEASE' THEN COALESCE(reason, '') END AS reason
         FROM history WHERE pool_key = :pool AND at >= :from AND at < :to
       ) x WHERE kind IS NOT NULL AND rep IS NOT NULL
       GROUP BY 1, 2, 3`,
      {
        pool,
        followUp: FOLLOW_UP_EVENT,
        pooled: states.pooled,
        success: states.success,
        failure: states.failure,
        held: states.held.filter((state) => !states.pooled.includes(state)),
        from: new Date(range.from),
        to: new Date(range.to),
      },
    ),
    db('records')
      .where({ pool_key: pool, done: false, limit_free: false })
      .whereNotNull('owner_id')
      .groupBy('owner_id')
      .select('owner_id')
      .count({ n: '*' }) as Promise<{ owner_id: string; n: number | string }[]>,
    db('pool_members').where({ pool_key: pool }).pluck('user_id') as Promise<string[]>,
    // Verdicts given in the range (audits_decided).
    db('audits')
      .where({ pool_key: pool })
      .whereNotNull('verdict')
      .whereNotNull('actor_id')
      .where('decided_at', '>=', new Date(range.from))
      .where('decided_at', '<', new Date(range.to))
      .groupBy('actor_id', 'verdict')
      .select('actor_id', 'verdict')
      .count({ n: '*' }) as Promise<{ actor_id: string; verdict: string; n: number | string }[]>,
  ]);
  const reps = new Map<string, RepRow>();
  const rep = (id: string): RepRow => {
    let row = reps.get(id);
    if (!row) {
      row = {
        userId: id,
        username: null,
        displayName: null,
        claims: 0,
        followUps: 0,
        wins: 0,
        losses: 0,
        timedOut: 0,
        manualReleases: 0,
        releaseReasons: {},
        load: 0,
        auditsPassed: 0,
        violations: 0,
      };
      reps.set(id, row);
    }
    return row;
  };
  for (const id of members) rep(id);
  for (const l of load) rep(l.owner_id).load = Number(l.n);
  for (const a of audits)
    rep(a.actor_id)[a.verdict === 'fake' ? 'violations' : 'auditsPassed'] += Number(a.n);
  const fields = {
    claim: 'claims',
    followUp: 'followUps',
    win: 'wins',
    loss: 'losses',
    timedOut: 'timedOut',
    release: 'manualReleases',
  } as const;
  // Most frequent reasons first, so the ones past REASONS_PER_REP are the rare ones.
  for (const e of [...events.rows].sort((a, b) => b.n - a.n)) {
    const row = rep(e.rep);
    row[fields[e.kind]] += e.n;
    if (e.kind !== 'release') continue;
    const reasons = row.releaseReasons;
    const key =
      e.reason! in reasons || Object.keys(reasons).length < REASONS_PER_REP ? e.reason! : '(other)';
    reasons[key] = (reasons[key] ?? 0) + e.n;
  }
  const ids = [...reps.keys()];
  const users = ids.length
    ? ((await db('users').whereIn('id', ids).select('id', 'username', 'display_name')) as {
        id: string;
        username: string;
        display_name: string;
      }[])
    : [];
  for (const u of users) {
    const row = reps.get(u.id)!;
    row.username = u.username;
    row.displayName = u.display_name;
  }
  const sorted = [...reps.values()]
    .sort(
      (a, b) =>
        b.claims - a.claims ||
        b.load - a.load ||
        String(a.username ?? a.userId).localeCompare(String(b.username ?? b.userId)),
    )
    .slice(0, REPS_LIMIT);
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    reps: sorted,
  };
}

/** The per-rep table as CSV: one row per rep, release reasons as "reason: n" joined by "; ". */
export function repStatsCsv(stats: RepStats): string {
  let out = csvLine([
    'user_id',
    'username',
    'display_name',
    'claims',
    'follow_ups',
    'wins',
    'losses',
    'timed_out_releases',
    'manual_releases',
    'release_reasons',
    'load',
    'audits_passed',
    'violations',
  ]);
  for (const r of stats.reps) {
    const reasons = Object.entries(r.releaseReasons)
      .map(([reason, n]) => `${reason || '(none)'}: ${n}`)
      .join('; ');
    out += csvLine([
      r.userId,
      r.username ?? '',
      r.displayName ?? '',
      r.claims,
      r.followUps,
      r.wins,
      r.losses,
      r.timedOut,
      r.manualReleases,
      reasons,
      r.load,
      r.auditsPassed,
      r.violations,
    ]);
  }
  return out;
}
