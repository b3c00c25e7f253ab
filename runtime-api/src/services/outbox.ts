// The outbox: effects that leave the database (webhooks, custom effects) run after commit, with retries.
// Each delivery carries the effect's deterministic key as Idempotency-Key, so a retried webhook is safe.
// Rows are leased in a short transaction and sent outside it, so a slow receiver holds no lock or connection.
import type { Knex } from 'knex';
import type { Clock } from './clock.js';
import { postWebhook, secretFor, webhookSecretsFromEnv, WebhookRefused } from './webhook.js';
import type { WebhookSecrets } from './webhook.js';

export interface OutboxEffect {
  type: string;
  key: string;
  [field: string]: unknown;
}

export type EffectHandler = (
  effect: OutboxEffect,
  context: { recordId: string | null },
) => Promise<void>;

interface OutboxRow {
  id: number;
  effect_key: string;
  record_id: string | null;
  type: string;
  effect: OutboxEffect;
  attempts: number;
}

/** After this many failed attempts a delivery is dead: kept and listed, retried only by an admin. */
export const MAX_ATTEMPTS = 8;
/** Waits after the 1st, 2nd, … failed attempt; the last one repeats (capped at one hour). */
export const RETRY_DELAYS_MS = [10_000, 30_000, 120_000, 600_000, 3_600_000];
/** A leased row is tried again after this if its process died mid-delivery (longer than a request). */
const LEASE_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** Rows leased and sent at once; one deliverDue() sends at most MAX_PER_RUN. */
const BATCH = 50;
export const MAX_PER_RUN = 500;

/** Backoff after `attempts` failed attempts: 10 s, 30 s, 2 min, 10 min, then one hour. */
export function retryDelayMs(attempts: number): number {
  return RETRY_DELAYS_MS[Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1]!;
}

export interface OutboxOptions {
  allowPrivateWebhooks?: boolean | undefined;
  /** Signing secrets (default: read from the environment, see webhookSecretsFromEnv). */
  webhookSecrets?: WebhookSecrets | undefined;
}

export class Outbox {
  readonly #secrets: WebhookSecrets;
  readonly #handlers = new Map<string, EffectHandler>([
    [
      'webhook',
      (effect) =>
        postWebhook(effect, {
          allowPrivate: this.options.allowPrivateWebhooks === true,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          secret: secretFor(this.#secrets, effect['secretRef']),
        }),
    ],
  ]);

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly options: OutboxOptions = {},
  ) {
    this.#secrets = options.webhookSecrets ?? webhookSecretsFromEnv(process.env);
  }

  /** Custom actions' effects are delivered by a handler registered for their type. */
  handle(type: string, handler: EffectHandler): void {
    this.#handlers.set(type, handler);
  }

  /**
   * Delivers everything due, at most `max` rows per call; returns how many were delivered and how many
   * failed (a failure is retried later, or dead after MAX_ATTEMPTS).
   */
  async deliverDue(max = MAX_PER_RUN): Promise<{ delivered: number; failed: number }> {
    let delivered = 0;
    let failed = 0;
    while (delivered + failed < max) {
      const rows = await this.#lease(Math.min(BATCH, max - delivered - failed));
      const results = await Promise.all(rows.map((row) => this.#deliver(row)));
      delivered += results.filter(Boolean).length;
      failed += results.filter((ok) => !ok).length;
      if (rows.length < BATCH) break;
    }
    return { delivered, failed };
  }

  /** Due rows, pushed a lease ahead so other processes (and later runs) skip them while they are sent. */
  async #lease(limit: number): Promise<OutboxRow[]> {
    return this.db.transaction(async (trx) => {
      const now = await this.clock.now(trx);
      const rows = await trx('outbox')
        .whereNull('done_at')
        .whereNull('dead_at')
        .where('next_attempt_at', '<=', new Date(now))
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked();
      if (rows.length > 0)
        await trx('outbox')
          .whereIn(
            'id',
            rows.map((r) => r.id),
          )
          .update({ next_attempt_at: new Date(now + LEASE_MS) });
      return rows;
    });
  }

  async #deliver(row: OutboxRow): Promise<boolean> {
    const handler = this.#handlers.get(row.type);
    let error: unknown = null;
    try {
      if (!handler) throw new Error(`no handler for effect type ${row.type}`);
      await handler(row.effect, { recordId: row.record_id });
    } catch (e) {
      error = e;
    }
    const now = await this.clock.now(this.db);
    const attempts = row.attempts + 1;
    if (error === null) {
      await this.db('outbox')
        .where({ id: row.id })
        .update({
          done_at: new Date(now),
          attempts,
          last_attempt_at: new Date(now),
          last_error: null,
        });
      return true;
    }
    // A refused target (private address, bad URL) will not change on retry: dead at once.
    const dead = error instanceof WebhookRefused || attempts >= MAX_ATTEMPTS;
    await this.db('outbox')
      .where({ id: row.id })
      .update({
        attempts,
        last_attempt_at: new Date(now),
        next_attempt_at: new Date(now + retryDelayMs(attempts)),
        dead_at: dead ? new Date(now) : null,
        last_error: (error instanceof Error ? error.message : JSON.stringify(error)).slice(0, 500),
      });
    return false;
  }
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

interface DeliveryRow extends OutboxRow {
  done_at: Date | null;
  dead_at: Date | null;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_error: string | null;
  created_at: Date | null;
  pool_key: string | null;
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** A delivery as admins see it: the target's host only (group-robot URLs carry their access key). */
function deliveryOf(row: DeliveryRow) {
  let target: string | null = null;
  try {
    target = new URL(String(row.effect['url'])).host;
  } catch {
    // a custom effect, or a URL that was refused: no host to show
  }
  const status: DeliveryStatus = row.done_at ? 'delivered' : row.dead_at ? 'dead' : 'pending';
  return {
    id: String(row.id),
    type: row.type,
    status,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: status === 'pending' ? iso(row.next_attempt_at) : null,
    lastAttemptAt: iso(row.last_attempt_at),
    deliveredAt: iso(row.done_at),
    target,
    preset: typeof row.effect['preset'] === 'string' ? row.effect['preset'] : null,
    recordId: row.record_id,
    poolKey: row.pool_key,
    createdAt: iso(row.created_at),
  };
}

export type Delivery = ReturnType<typeof deliveryOf>;

const withPool = (db: Knex) =>
  db('outbox as o').leftJoin('records as r', 'r.id', 'o.record_id').select('o.*', 'r.pool_key');

/** The newest deliveries, of one status or all. */
export async function listDeliveries(
  db: Knex,
  query: { status?: DeliveryStatus | undefined; limit: number },
): Promise<Delivery[]> {
  const q = withPool(db).orderBy('o.id', 'desc').limit(query.limit);
  if (query.status === 'delivered') void q.whereNotNull('o.done_at');
  if (query.status === 'dead') void q.whereNotNull('o.dead_at');
  if (query.status === 'pending') void q.whereNull('o.done_at').whereNull('o.dead_at');
  return ((await q) as DeliveryRow[]).map(deliveryOf);
}

/**
 * Re-queues a dead or pending delivery now, its attempts counted afresh (a dead one would otherwise die
 * at its next failure); a delivered one is left as it is. Undefined when there is no such delivery.
 */
export async function retryDelivery(
  db: Knex,
  now: number,
  id: string,
): Promise<Delivery | undefined> {
  const row = (await withPool(db).where('o.id', id).first()) as DeliveryRow | undefined;
  if (!row) return undefined;
  if (row.done_at) return deliveryOf(row);
  await db('outbox')
    .where({ id: row.id })
    .whereNull('done_at')
    .update({ dead_at: null, attempts: 0, next_attempt_at: new Date(now) });
  return deliveryOf({ ...row, dead_at: null, attempts: 0, next_attempt_at: new Date(now) });
}
