// Maps record rows to API replies: masked fields for members who do not own the record, timers, allowed events.
import { availableEvents, nextContactAt, type CompiledPolicy } from '@poolflow/engine';
import { eventsActorMaySend, maskData, maskedFields } from '../access.js';
import type { RecordDetail } from '../api.types.js';
import type { RecordRow } from '../db/rows.js';
import type { Actor } from '../services/record.service.js';

const iso = (v: Date | number | null | undefined): string | undefined =>
  v === null || v === undefined ? undefined : new Date(v).toISOString();

type Times = 'enteredStateAt' | 'lastActivityAt' | 'createdAt' | 'updatedAt';
/**
 * A record reply (api.schema.json#/definitions/record; a list item has no availableEvents). A time
 * left undefined is left out of the JSON, as the schema's optional field.
 */
export type RecordReply = Omit<RecordDetail, 'availableEvents' | Times> & {
  availableEvents?: string[];
} & { [K in Times]?: string | undefined };

/** Owners, the pool's managers and admins see everything; other members see masked fields hidden. */
export function recordReply(
  row: RecordRow,
  compiled: CompiledPolicy,
  actor: Actor,
  detail: { now: number } | null,
): RecordReply {
  const masked = maskedFields(actor, row, compiled);
  const data = maskData(row.data, masked);
  const instance = row.snapshot.instance;
  const reply: RecordReply = {
    id: row.id,
    pool: row.pool_key,
    policyId: row.policy_id,
    policyVersion: row.policy_version,
    state: row.state,
    pooled: row.pooled,
    done: row.done,
    ownerId: row.owner_id,
    tags: row.tags,
    score: row.score,
    data,
    masked,
    seq: row.seq,
    poolEntries: instance.poolEntries,
    lastRelease: instance.lastRelease
      ? {
          at: iso(instance.lastRelease.at)!,
          reason: instance.lastRelease.reason,
          byUserId: instance.lastRelease.byUserId,
        }
      : null,
    previousOwnerIds: instance.previousOwnerIds,
    enteredStateAt: iso(instance.enteredStateAt),
    lastActivityAt: iso(instance.lastActivityAt),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    // Timers come from the snapshot already loaded, so lists carry them too (release countdowns).
    timers: Object.entries(row.snapshot.timers)
      .map(([key, t]) => ({ key, delay: t.delay, dueAt: iso(t.dueAt)! }))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt)),
  };
  if (detail) {
    // What the caller may send: a member's Follow up on another rep's record would only be a 403.
    reply.availableEvents = eventsActorMaySend(
      actor,
      row,
      availableEvents(compiled, row.snapshot, row.data, actor, detail.now),
    );
    const blocked = nextContactAt(compiled.policy, instance.contacts, detail.now);
    if (Object.keys(blocked).length > 0) reply.nextContactAt = blocked;
  }
  return reply;
}
