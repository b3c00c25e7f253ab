// Record lifecycle in the database: one transaction per event, the record row locked, the engine step, the writes.
import { randomUUID } from 'node:crypto';
import {
  EngineError,
  start,
  step,
  type CompiledPolicy,
  type PoolEvent,
  type PoolUser,
  type StepResult,
} from '@poolflow/engine';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Knex } from 'knex';
import type { PoolRow, RecordRow } from '../db/rows.js';
import { RuntimeError } from '../runtime.error.js';
import type { Clock } from './clock.js';
import type { Metrics } from './metrics.js';
import type { PolicyStore } from './policy-store.js';
import { writeOutcomes } from './record-writer.js';

const DAY = 86_400_000;

export interface Actor extends PoolUser {
  roles: string[];
}

export interface EventOutcome {
  row: RecordRow;
  result: StepResult;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const entityValidators = new WeakMap<CompiledPolicy, ValidateFunction>();

/** Checks record data against the policy's entity schema; the error names every bad field. */
export function assertEntity(
  compiled: CompiledPolicy,
  data: unknown,
): asserts data is Record<string, unknown> {
  let validator = entityValidators.get(compiled);
  if (!validator) {
    validator = ajv.compile(compiled.policy.entity.schema);
    entityValidators.set(compiled, validator);
  }
  if (!validator(data)) {
    const details = (validator.errors ?? []).map((e) => {
      const missing = e.keyword === 'required' ? `/${String(e.params['missingProperty'])}` : '';
      const extra =
        e.keyword === 'additionalProperties' ? `/${String(e.params['additionalProperty'])}` : '';
      return {
        path: `/data${e.instancePath}${missing}${extra}`,
        message: e.message ?? 'is invalid',
      };
    });
    throw new RuntimeError(
      'POOL_ERR_INVALID_PAYLOAD',
      `record data is invalid: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      details,
    );
  }
}

export class RecordService {
  constructor(
    private readonly db: Knex,
    private readonly policies: PolicyStore,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async pool(key: string, trx: Knex | Knex.Transaction = this.db): Promise<PoolRow> {
    const pool = (await trx('pools').where({ key }).first()) as PoolRow | undefined;
    if (!pool) throw RuntimeError.notFound(`pool ${key}`);
    return pool;
  }

  async create(
    poolKey: string,
    data: unknown,
    ownerId: string | null,
    actor: Actor,
  ): Promise<EventOutcome> {
    const pool = await this.pool(poolKey);
    const compiled = await this.policies.get(pool.policy_id, pool.policy_version);
    assertEntity(compiled, data);
    return this.db.transaction(async (trx) => {
      if (ownerId !== null) await this.assertUser(trx, ownerId, '/ownerId');
      const now = await this.clock.now(trx);
      const id = randomUUID();
      const result = start(compiled, { entity: data, now, ownerId, user: actor, recordId: id });
      await writeOutcomes(trx, [
        {
          recordId: id,
          poolKey,
          prevSeq: 0,
          created: true,
          steps: [
            { result, eventType: 'CREATE', payload: { ownerId }, actorId: actor.id, at: now },
          ],
        },
      ]);
      this.metrics.count('poolflow_events_total', { type: 'CREATE' });
      const row = (await trx('records').where({ id }).first()) as RecordRow;
      return { row, result };
    });
  }

  /** Sends one event to one record: lock, step, write, in one transaction. */
  async send(
    poolKey: string,
    recordId: string,
    event: PoolEvent,
    actor: Actor,
  ): Promise<EventOutcome> {
    try {
      const outcome = await this.db.transaction(async (trx) => {
        const row = (await trx('records')
          .where({ id: recordId, pool_key: poolKey })
          .forUpdate()
          .first()) as RecordRow | undefined;
        if (!row) throw RuntimeError.notFound(`record ${recordId} in pool ${poolKey}`);
        const compiled = await this.policies.get(row.policy_id, row.policy_version);
        const now = await this.clock.now(trx);
        let claimant: { owned: number; claimsToday: number } | undefined;
        if (event.type === 'CLAIM') claimant = await this.lockClaimant(trx, poolKey, actor.id, now);
        if (event.type === 'ASSIGN') {
          const to = event.payload?.['userId'];
          if (typeof to === 'string') await this.assertUser(trx, to, '/payload/userId');
        }
        const result = step(compiled, row.snapshot, event, {
          entity: row.data,
          user: actor,
          now,
          recordId,
          ...(claimant ? { claimant } : {}),
        });
        await writeOutcomes(trx, [
          {
            recordId,
            poolKey,
            prevSeq: row.seq,
            steps: [
              {
                result,
                eventType: event.type,
                payload: event.payload ?? null,
                actorId: actor.id,
                at: now,
              },
            ],
          },
        ]);
        const updated = (await trx('records').where({ id: recordId }).first()) as RecordRow;
        return { row: updated, result };
      });
      this.metrics.count('poolflow_events_total', { type: event.type });
      if (event.type === 'CLAIM') this.metrics.count('poolflow_claims_total', { outcome: 'ok' });
      return outcome;
    } catch (e) {
      if (event.type === 'CLAIM' && e instanceof EngineError) {
        this.metrics.count('poolflow_claims_total', { outcome: e.code });
      }
      throw e;
    }
  }

  /**
   * Claims the best eligible pooled record by score. Candidates are locked with SKIP LOCKED, so
   * parallel claim-next calls take different records instead of queueing on one.
   */
  async claimNext(poolKey: string, actor: Actor): Promise<EventOutcome> {
    await this.pool(poolKey);
    for (let offset = 0; offset < 200; offset += 20) {
      const ids = (await this.db('records')
        .select('id')
        .where({ pool_key: poolKey, pooled: true })
        .orderBy([{ column: 'score', order: 'desc' }, { column: 'id' }])
        .offset(offset)
        .limit(20)) as { id: string }[];
      if (ids.length === 0) break;
      for (const { id } of ids) {
        try {
          return await this.send(poolKey, id, { type: 'CLAIM' }, actor);
        } catch (e) {
          if (!(e instanceof EngineError)) throw e;
          // Limits and cooldowns speak for the user, not the record: report them at once.
          if (['POOL_ERR_CLAIM_LIMIT', 'POOL_ERR_DAILY_LIMIT'].includes(e.code)) throw e;
        }
      }
    }
    throw new RuntimeError('POOL_ERR_NOT_FOUND', 'no pooled record you may claim');
  }

  /** Locks the claimant's user row so parallel claims by one user cannot both pass a limit. */
  private async lockClaimant(
    trx: Knex.Transaction,
    poolKey: string,
    userId: string,
    now: number,
  ): Promise<{ owned: number; claimsToday: number }> {
    await trx('users').where({ id: userId }).forUpdate().first('id');
    const owned = (await trx('records')
      .where({ pool_key: poolKey, owner_id: userId, done: false })
      .count({ n: '*' })
      .first()) as { n: number | string };
    const dayStart = new Date(Math.floor(now / DAY) * DAY).toISOString();
    const today = (await trx('claims')
      .where({ user_id: userId, pool_key: poolKey })
      .where('at', '>=', dayStart)
      .count({ n: '*' })
      .first()) as { n: number | string };
    return { owned: Number(owned.n), claimsToday: Number(today.n) };
  }

  private async assertUser(trx: Knex.Transaction, userId: string, path: string): Promise<void> {
    const user = (await trx('users').where({ id: userId }).first('id')) as
      { id: string } | undefined;
    if (!user) throw RuntimeError.invalid(path, `user ${userId} does not exist`);
  }
}
