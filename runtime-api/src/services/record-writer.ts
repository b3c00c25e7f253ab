// Writes the outcome of engine steps in a few set-based statements: records, timers, history, notifications, outbox.
import type { Effect, StepResult } from '@poolflow/engine';
import type { Knex } from 'knex';

/** One record's outcome within a transaction: possibly several steps (a sweep may fire more than one timer). */
export interface RecordOutcome {
  recordId: string;
  poolKey: string;
  /** `seq` the row had when it was locked; the update checks it (never a lost update). */
  prevSeq: number;
  /** True for a record created in this transaction (its row is inserted, not updated). */
  created?: boolean;
  steps: {
    result: StepResult;
    eventType: string;
    payload: unknown;
    actorId: string | null;
    at: number;
  }[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function searchText(data: Record<string, unknown>): string {
  return Object.values(data)
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .join(' ')
    .toLowerCase();
}

function last<T>(list: T[]): T {
  return list[list.length - 1];
}

export async function writeOutcomes(
  trx: Knex.Transaction,
  outcomes: RecordOutcome[],
): Promise<void> {
  const changed = outcomes.filter((o) => o.steps.some((s) => !s.result.stale));
  if (changed.length === 0) return;
  const rows = changed.map((o) => {
    const final = last(o.steps.filter((s) => !s.result.stale));
    const { snapshot, record } = final.result;
    return {
      id: o.recordId,
      pool_key: o.poolKey,
      policy_id: snapshot.policyId,
      policy_version: snapshot.policyVersion,
      prev_seq: o.prevSeq,
      seq: snapshot.seq,
      state: snapshot.value,
      owner_id: record.ownerId,
      pooled: record.pooled,
      done: snapshot.status === 'done',
      tags: record.tags,
      score: record.score,
      data: record.entity,
      snapshot,
      search: searchText(record.entity),
      at: iso(final.at),
    };
  });
  const created = rows.filter((_, i) => changed[i].created);
  const updated = rows.filter((_, i) => !changed[i].created);
  if (created.length > 0) {
    await trx('records').insert(
      created.map((r) => ({
        id: r.id,
        pool_key: r.pool_key,
        policy_id: r.policy_id,
        policy_version: r.policy_version,
        state: r.state,
        owner_id: r.owner_id,
        pooled: r.pooled,
        done: r.done,
        tags: JSON.stringify(r.tags),
        score: r.score,
        data: JSON.stringify(r.data),
        snapshot: JSON.stringify(r.snapshot),
        seq: r.seq,
        search: r.search,
        created_at: r.at,
        updated_at: r.at,
      })),
    );
  }
  if (updated.length > 0) {
    const result = await trx.raw<{ rowCount: number | null; affectedRows?: number }>(
      `UPDATE records r SET state = v.state, owner_id = v.owner_id, pooled = v.pooled, done = v.done,
         tags = v.tags, score = v.score, data = v.data, snapshot = v.snapshot, seq = v.seq,
         search = v.search, updated_at = v.at
       FROM jsonb_to_recordset(?::jsonb) AS v(id uuid, prev_seq int, seq int, state text, owner_id text,
         pooled boolean, done boolean, tags jsonb, score float8, data jsonb, snapshot jsonb, search text, at timestamptz)
       WHERE r.id = v.id AND r.seq = v.prev_seq`,
      [JSON.stringify(updated)],
    );
    const count = result.rowCount ?? result.affectedRows ?? updated.length;
    if (count !== updated.length) {
      throw new Error(`lost update: ${updated.length - count} record(s) changed under a lock`);
    }
  }

  // Timers: the snapshot's pending timers are the truth; make the table match them.
  const timers = rows.flatMap((r) =>
    Object.entries(r.snapshot.timers).map(([key, t]) => ({
      record_id: r.id,
      timer_key: key,
      due_at: iso(t.dueAt),
      event: { type: key, timerKey: key, dueAt: t.dueAt },
    })),
  );
  await trx.raw(
    `DELETE FROM timers t WHERE t.record_id = ANY(?::uuid[])
       AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(?::jsonb) AS v(record_id uuid, timer_key text, due_at timestamptz)
                       WHERE v.record_id = t.record_id AND v.timer_key = t.timer_key AND v.due_at = t.due_at)`,
    [rows.map((r) => r.id), JSON.stringify(timers)],
  );
  if (timers.length > 0) {
    await trx.raw(
      `INSERT INTO timers (record_id, timer_key, due_at, event)
       SELECT record_id, timer_key, due_at, event FROM jsonb_to_recordset(?::jsonb)
         AS v(record_id uuid, timer_key text, due_at timestamptz, event jsonb)
       ON CONFLICT (record_id, timer_key) DO UPDATE SET due_at = excluded.due_at, event = excluded.event
       WHERE timers.due_at <> excluded.due_at`,
      [JSON.stringify(timers)],
    );
  }

  const history: Record<string, unknown>[] = [];
  const notifications: Record<string, unknown>[] = [];
  const outbox: Record<string, unknown>[] = [];
  const claims: Record<string, unknown>[] = [];
  const moves: { id: string; pool: string }[] = [];
  for (const o of changed) {
    for (const s of o.steps) {
      if (s.result.stale) continue;
      const { result } = s;
      const owner = result.effects.find((e) => e.type === 'owner') as
        Extract<Effect, { type: 'owner' }> | undefined;
      const lastRelease = result.snapshot.instance.lastRelease;
      history.push({
        record_id: o.recordId,
        pool_key: o.poolKey,
        seq: result.snapshot.seq,
        at: iso(s.at),
        actor_id: s.actorId,
        event_type: s.eventType,
        payload: s.payload ?? null,
        from_state: result.from,
        to_state: result.snapshot.value,
        owner_from: owner ? owner.from : result.record.ownerId,
        owner_to: result.record.ownerId,
        tags: result.record.tags,
        reason: result.record.pooled && lastRelease?.at === s.at ? lastRelease.reason : null,
      });
      if (s.eventType === 'CLAIM' && s.actorId) {
        claims.push({
          user_id: s.actorId,
          pool_key: o.poolKey,
          record_id: o.recordId,
          at: iso(s.at),
        });
      }
      for (const effect of result.effects) {
        if (effect.type === 'notify') {
          const n = effect as Extract<Effect, { type: 'notify' }>;
          for (const userId of n.to) {
            notifications.push({
              user_id: userId,
              record_id: o.recordId,
              pool_key: o.poolKey,
              kind: n.kind,
              message: n.message,
              effect_key: `${effect.key}:${userId}`,
              created_at: iso(s.at),
            });
          }
        } else if (effect.type === 'moveToPool') {
          moves.push({ id: o.recordId, pool: String(effect['pool']) });
        } else if (!['schedule', 'cancel', 'owner'].includes(effect.type)) {
          outbox.push({
            effect_key: effect.key,
            record_id: o.recordId,
            type: effect.type,
            effect,
            next_attempt_at: iso(s.at),
          });
        }
      }
    }
  }
  await insertJson(trx, 'history', history, [
    'record_id uuid',
    'pool_key text',
    'seq int',
    'at timestamptz',
    'actor_id text',
    'event_type text',
    'payload jsonb',
    'from_state text',
    'to_state text',
    'owner_from text',
    'owner_to text',
    'tags jsonb',
    'reason text',
  ]);
  await insertJson(trx, 'claims', claims, [
    'user_id text',
    'pool_key text',
    'record_id uuid',
    'at timestamptz',
  ]);
  await insertJson(
    trx,
    'notifications',
    notifications,
    [
      'user_id text',
      'record_id uuid',
      'pool_key text',
      'kind text',
      'message jsonb',
      'effect_key text',
      'created_at timestamptz',
    ],
    'ON CONFLICT (effect_key) DO NOTHING',
  );
  await insertJson(
    trx,
    'outbox',
    outbox,
    [
      'effect_key text',
      'record_id uuid',
      'type text',
      'effect jsonb',
      'next_attempt_at timestamptz',
    ],
    'ON CONFLICT (effect_key) DO NOTHING',
  );
  for (const move of moves) {
    await trx.raw(
      `UPDATE records SET pool_key = ? WHERE id = ? AND EXISTS (SELECT 1 FROM pools WHERE key = ?)`,
      [move.pool, move.id, move.pool],
    );
  }
}

async function insertJson(
  trx: Knex.Transaction,
  table: string,
  rows: Record<string, unknown>[],
  columns: string[],
  suffix = '',
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((c) => c.split(' ')[0]).join(', ');
  await trx.raw(
    `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset(?::jsonb) AS v(${columns.join(', ')}) ${suffix}`,
    [JSON.stringify(rows)],
  );
}
