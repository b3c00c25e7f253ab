// The outbox: effects that leave the database (webhooks, custom effects) run after commit, with retries.
// Each delivery carries the effect's deterministic key as Idempotency-Key, so a retried webhook is safe.
import type { Knex } from 'knex';
import type { Clock } from './clock.js';
import { postWebhook, WebhookRefused } from './webhook.js';

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

const MAX_ATTEMPTS = 8;

/** Backoff after a failed attempt: 10 s, 20 s, 40 s, … capped at one hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(3_600_000, 10_000 * 2 ** Math.max(0, attempts - 1));
}

export class Outbox {
  readonly #handlers = new Map<string, EffectHandler>([
    [
      'webhook',
      (effect) =>
        postWebhook(effect, {
          allowPrivate: this.options.allowPrivateWebhooks === true,
          signal: AbortSignal.timeout(10_000),
        }),
    ],
  ]);

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly options: { allowPrivateWebhooks?: boolean | undefined } = {},
  ) {}

  /** Custom actions' effects are delivered by a handler registered for their type. */
  handle(type: string, handler: EffectHandler): void {
    this.#handlers.set(type, handler);
  }

  /** Delivers due effects once; returns how many were delivered and how many failed. */
  async deliverDue(limit = 50): Promise<{ delivered: number; failed: number }> {
    let delivered = 0;
    let failed = 0;
    await this.db.transaction(async (trx) => {
      const now = await this.clock.now(trx);
      const rows = (await trx('outbox')
        .whereNull('done_at')
        .where('next_attempt_at', '<=', new Date(now))
        .where('attempts', '<', MAX_ATTEMPTS)
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked()) as OutboxRow[];
      for (const row of rows) {
        const handler = this.#handlers.get(row.type);
        try {
          if (!handler) throw new Error(`no handler for effect type ${row.type}`);
          await handler(row.effect, { recordId: row.record_id });
          await trx('outbox')
            .where({ id: row.id })
            .update({ done_at: new Date(now), attempts: row.attempts + 1, last_error: null });
          delivered++;
        } catch (e) {
          // A refused target (private address, bad URL) will not change on retry: failed for good at once.
          const final = e instanceof WebhookRefused;
          await trx('outbox')
            .where({ id: row.id })
            .update({
              attempts: final ? MAX_ATTEMPTS : row.attempts + 1,
              next_attempt_at: new Date(now + retryDelayMs(row.attempts + 1)),
              last_error: (e as Error).message.slice(0, 500),
            });
          failed++;
        }
      }
    });
    return { delivered, failed };
  }
}
