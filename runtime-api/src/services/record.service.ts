// Record lifecycle in the database: create, events, claim-next, moves and edits, each an engine step
// written through the write loop (until-written.ts).
import { newRecordId } from './record-id.js';
import {
  EngineError,
  move,
  start,
  step,
  type CompiledPolicy,
  type PoolEvent,
  type PoolUser,
  type StepResult,
} from '@poolflow/engine';
import type { Knex } from 'knex';
import { requireAssignee } from '../access.js';
import type { PoolRow, RecordRow } from '../db/rows.js';
import { RuntimeError } from '../runtime.error.js';
import type { Clock } from './clock.js';
import type { Metrics } from './metrics.js';
import type { PolicyStore } from './policy-store.js';
import { ClaimNext, type Stepped } from './claim-next.js';
import { assertEntity } from './entity-check.js';
import { checkAssignee, requireOwnedRoom } from './assignee-claim.js';
import { payloadAt } from './payload-errors.js';
import { placeNew, routeOutcome } from './pool-routing.js';
import { readIntegrity, readsIntegrity } from './integrity.js';
import type { EventRead, RecordKey } from './event-read.js';
import { rowAfter } from './record-row.js';
import { writeOutcomes, type RecordOutcome } from './record-writer.js';
import { StepWriter } from './until-written.js';
import { changedData, editStep } from './record-edit.js';
import {
  holdEditedKeys,
  holdKeys,
  keyHolders,
  keysOf,
  refuseHeld,
  type KeyHolder,
} from './record-keys.js';

export interface Actor extends PoolUser {
  roles: string[];
  /** The user's pools (key -> role), read with the session: pool routes check them without a query. */
  poolRoles?: Readonly<Record<string, string>>;
  /** The user's department; a department admin administers its pools, policies and users. */
  departmentId?: string | null;
}

export interface SendOptions {
  /** Sees the locked row: a permission that depends on it (the owner) cannot change before the step. */
  authorize?: (row: RecordRow) => void;
  /**
   * Where the event's payload is in the request, for errors naming its fields (default /payload): the
   * events route's /body/payload, or /body where the route's body is the payload (assign, release).
   */
  payloadPath?: string;
  /**
   * Every ASSIGN of a pooled record (one, bulk, an event, distribution) is checked as the assignee's own
   * claim would be (assignee-claim.ts), unless a manager overrides: then the history row says so.
   */
  override?: boolean;
}

export interface EventOutcome {
  row: RecordRow;
  result: StepResult;
  /** The clock's time the event was applied at. */
  now: number;
}

export class RecordService {
  /** Each step's read, step and write until it lands (group commit, then locked retries). */
  readonly #writer: StepWriter;
  readonly #claimNext: ClaimNext;
  /** Pools whose policy's rules read `user.integrity`: their events read it with the record. */
  readonly #integrityPools = new Set<string>();

  constructor(
    private readonly db: Knex,
    private readonly policies: PolicyStore,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
    this.#writer = new StepWriter(db, clock, metrics);
    this.#claimNext = new ClaimNext(db, clock, metrics, {
      prepare: (read, actor) => this.prepare(db, read, { type: 'CLAIM' }, actor, {}),
      finish: (stepped) => this.finish(db, stepped),
    });
  }

  async pool(key: string, trx: Knex | Knex.Transaction = this.db): Promise<PoolRow> {
    const pool = await trx('pools').where({ key }).first();
    if (!pool) throw RuntimeError.notFound(`pool ${key}`);
    return pool;
  }

  async create(
    poolKey: string,
    data: unknown,
    ownerId: string | null,
    actor: Actor,
    options: { ownerPath?: string; dataPath?: string } = {},
  ): Promise<EventOutcome> {
    const pool = await this.pool(poolKey);
    const compiled = await this.policies.get(pool.policy_id, pool.policy_version);
    assertEntity(compiled, data, options.dataPath);
    return this.db.transaction(async (trx) => {
      if (ownerId !== null)
        await requireAssignee(trx, poolKey, ownerId, options.ownerPath ?? '/ownerId');
      // A customer already there (查重) is said first: rather than the form's other refusals, the rep
      // learns there is a record to open or claim. The keys' constraint below still decides.
      const keys = keysOf(compiled, data);
      const dataPath = options.dataPath ?? '/data';
      await refuseHeld(trx, pool.policy_id, keys, dataPath);
      const now = await this.clock.now(trx);
      const id = newRecordId();
      const result = start(compiled, { entity: data, now, ownerId, user: actor, recordId: id });
      const owner = { id: ownerId, path: options.ownerPath ?? '/ownerId' };
      const to = await placeNew(trx, pool, compiled, result, now, owner);
      if (ownerId !== null) await requireOwnedRoom(trx, to.poolKey, compiled, ownerId, actor.id);
      await writeOutcomes(
        trx,
        [
          {
            recordId: id,
            poolKey: to.poolKey,
            prevSeq: 0,
            created: true,
            steps: [
              { result, eventType: 'CREATE', payload: to.payload, actorId: actor.id, at: now },
            ],
          },
        ],
        this.metrics,
      );
      // Its unique values (查重), under the constraint: a customer already there refuses the create.
      await holdKeys(trx, pool.policy_id, id, keys, dataPath);
      this.metrics.count('poolflow_events_total', { type: 'CREATE' });
      return { row: await this.rowOf(trx, result, id, to.poolKey, now), result, now };
    });
  }

  /**
   * The records of the pool's policy that have `data`'s unique values (查重), other than `except`: a
   * form's check before it creates or edits (the write itself still decides).
   */
  async duplicates(poolKey: string, data: unknown, except?: string): Promise<KeyHolder[]> {
    const pool = await this.pool(poolKey);
    const compiled = await this.policies.get(pool.policy_id, pool.policy_version);
    return keyHolders(this.db, pool.policy_id, keysOf(compiled, data), except);
  }

  /**
   * Sends one event to one record: read, step, write. The write is conditional on the record's `seq`
   * (and a claim on its claimant's): if another event got there first, the event is stepped again from
   * the new row. After OPTIMISTIC_ATTEMPTS lost races the record is locked for the last attempts, so a
   * record under heavy contention still makes progress. `authorize` sees the row the step starts from.
   */
  async send(
    poolKey: string,
    recordId: string,
    event: PoolEvent,
    actor: Actor,
    options: SendOptions = {},
  ): Promise<EventOutcome> {
    // A refused claim is the caller's own click: the reply says why (shown as a toast), no notification.
    return this.counted(event, () =>
      this.sendUntilWritten(poolKey, recordId, event, actor, options),
    );
  }

  private sendUntilWritten(
    poolKey: string,
    recordId: string,
    event: PoolEvent,
    actor: Actor,
    options: SendOptions,
  ): Promise<EventOutcome> {
    const key: RecordKey = {
      poolKey,
      recordId,
      claimantId: event.type === 'CLAIM' ? actor.id : undefined,
      actorId: this.#integrityPools.has(poolKey) ? actor.id : undefined,
    };
    return this.untilWritten(key, event.type, (db, read) => {
      options.authorize?.(read.row);
      return this.prepare(db, read, event, actor, options);
    });
  }

  /**
   * Moves a record to another pool that runs the same policy, as a step of its own (its `seq` advances,
   * history has a MOVE). `check` sees the row the move starts from (it may refuse it).
   */
  move(
    poolKey: string,
    recordId: string,
    target: string,
    actor: Actor,
    check: (row: RecordRow, db: Knex | Knex.Transaction) => Promise<void>,
  ): Promise<EventOutcome> {
    return this.untilWritten({ poolKey, recordId }, 'MOVE', async (db, read) => {
      const { row, now } = read;
      await check(row, db);
      const compiled = await this.policies.get(row.policy_id, row.policy_version);
      const result = move(compiled, row.snapshot, target, { entity: row.data, now, recordId });
      const payload = { from: poolKey, to: target };
      // Its history row belongs to the pool it moves to, where the record is from now on.
      const outcome: RecordOutcome = {
        recordId,
        poolKey: target,
        prevSeq: row.seq,
        entityUnchanged: true,
        steps: [{ result, eventType: 'MOVE', payload, actorId: actor.id, at: now }],
      };
      return { read, result, outcome };
    });
  }

  /**
   * Edits a record's fields, as a step of its own (its `seq` advances, history has an EDIT with the
   * fields' values before and after). `changes` gives fields their new values; null removes one. The
   * record as changed must pass the entity schema (errors name `/body/data/<field>`). `authorize` sees
   * the row the edit starts from; `base`, the values the editor saw, is checked on it (a field changed
   * since is a 409 POOL_ERR_CONFLICT).
   */
  edit(
    poolKey: string,
    recordId: string,
    changes: Record<string, unknown>,
    actor: Actor,
    authorize: (row: RecordRow) => void,
    base?: Record<string, unknown>,
  ): Promise<EventOutcome> {
    // An edit of a unique field (查重) writes the record's keys in the transaction of its step.
    let edited: Parameters<typeof holdEditedKeys>[1] | null = null;
    return this.#writer.untilWritten(
      { poolKey, recordId },
      'EDIT',
      async (_db, read) => {
        authorize(read.row);
        const row = read.row;
        const compiled = await this.policies.get(row.policy_id, row.policy_version);
        const stepped = editStep(compiled, read, changes, actor.id, base);
        const unique = compiled.policy.entity.uniqueFields ?? [];
        const data = changedData(row.data, changes).data;
        edited = { policyId: row.policy_id, recordId, unique, data };
        return stepped;
      },
      async (db, stepped) => {
        if (edited) await holdEditedKeys(db as Knex.Transaction, edited, Object.keys(changes));
        return this.finish(db, stepped);
      },
      true,
    );
  }

  /** One step of one record through the write loop (until-written.ts), answered with its row. */
  private untilWritten(
    key: RecordKey,
    label: string,
    prepare: (db: Knex | Knex.Transaction, read: EventRead) => Promise<Stepped>,
  ): Promise<EventOutcome> {
    return this.#writer.untilWritten(key, label, prepare, (db, stepped) =>
      this.finish(db, stepped),
    );
  }

  /**
   * Claims the best eligible pooled record by score. Concurrent claim-next calls of this process are
   * served together, each given a different record (claim-next.ts).
   */
  async claimNext(poolKey: string, actor: Actor): Promise<EventOutcome> {
    const outcome = await this.counted({ type: 'CLAIM' }, () =>
      this.#claimNext.claim(poolKey, actor),
    );
    if (outcome) return outcome;
    await this.pool(poolKey); // an unknown pool is named as such
    throw new RuntimeError('POOL_ERR_NOT_FOUND', 'no pooled record you may claim');
  }

  /** The engine step of an event from a row read, and what it writes; a refusal throws. */
  private async prepare(
    db: Knex | Knex.Transaction,
    read: EventRead,
    event: PoolEvent,
    actor: Actor,
    options: SendOptions,
  ): Promise<Stepped> {
    const { row, now } = read;
    const { id: recordId, pool_key: poolKey } = row;
    const compiled = await this.policies.get(row.policy_id, row.policy_version);
    // A record already taken fails the claim before any limit is looked at.
    let claimant =
      event.type === 'CLAIM' && compiled.pooledStates.has(row.snapshot.value)
        ? read.claimant
        : undefined;
    if (event.type === 'ASSIGN') {
      const to = event.payload?.['userId'];
      if (typeof to === 'string') {
        await requireAssignee(db, poolKey, to, `${options.payloadPath ?? '/payload'}/userId`);
        if (!options.override) claimant = await checkAssignee(db, row, compiled, to, actor.id, now);
      }
    }
    const user = await this.withIntegrity(db, compiled, read, actor);
    let result: StepResult;
    try {
      result = step(compiled, row.snapshot, event, {
        entity: row.data,
        user,
        now,
        recordId,
        ...(event.type === 'CLAIM' && claimant ? { claimant: claimant.stats } : {}),
      });
    } catch (e) {
      throw options.payloadPath ? payloadAt(e, options.payloadPath, event.type) : e;
    }
    const titleField = compiled.policy.entity.titleField;
    const outcome: RecordOutcome = {
      recordId,
      poolKey,
      prevSeq: row.seq,
      ...(claimant ? { claimant: { userId: claimant.userId, seq: claimant.seq } } : {}),
      ...(titleField !== undefined ? { titleField } : {}),
      steps: [
        {
          result,
          eventType: event.type,
          payload:
            options.override && event.type === 'ASSIGN'
              ? { ...event.payload, override: true }
              : (event.payload ?? null),
          actorId: actor.id,
          at: now,
        },
      ],
    };
    return { read, result: (await routeOutcome(db, compiled, outcome)) ?? result, outcome };
  }

  /**
   * The actor with their integrity record where the policy's rules read it: from the event's read, or
   * (the first event of such a pool in this process, a claim-next candidate) read on its own.
   */
  private async withIntegrity(
    db: Knex | Knex.Transaction,
    compiled: CompiledPolicy,
    read: EventRead,
    actor: Actor,
  ): Promise<PoolUser> {
    if (!readsIntegrity(compiled)) return actor;
    this.#integrityPools.add(read.row.pool_key);
    return { ...actor, integrity: read.integrity ?? (await readIntegrity(db, actor.id, read.now)) };
  }

  /** The reply of a written step: the row as written. */
  private async finish(db: Knex | Knex.Transaction, stepped: Stepped): Promise<EventOutcome> {
    const { read, result } = stepped;
    const { row, now } = read;
    return { row: await this.rowOf(db, result, row.id, row.pool_key, now, row), result, now };
  }

  /** The row as written; read back only when an effect moved it to another pool. */
  private async rowOf(
    db: Knex | Knex.Transaction,
    result: StepResult,
    recordId: string,
    poolKey: string,
    now: number,
    before?: RecordRow,
  ): Promise<RecordRow> {
    if (!result.effects.some((e) => e.type === 'moveToPool'))
      return rowAfter(result, recordId, poolKey, now, before);
    const row = await db('records').where({ id: recordId }).first();
    if (!row) throw RuntimeError.notFound(`record ${recordId}`);
    return row;
  }

  /** Counts an event (and a claim's outcome) in the metrics once its transaction is over. */
  private async counted<T>(event: PoolEvent, run: () => Promise<T>): Promise<T> {
    try {
      const outcome = await run();
      if (outcome !== null) {
        this.metrics.count('poolflow_events_total', { type: event.type });
        if (event.type === 'CLAIM') this.metrics.count('poolflow_claims_total', { outcome: 'ok' });
      }
      return outcome;
    } catch (e) {
      if (event.type === 'CLAIM' && e instanceof EngineError) {
        this.metrics.count('poolflow_claims_total', { outcome: e.code });
      }
      throw e;
    }
  }
}
