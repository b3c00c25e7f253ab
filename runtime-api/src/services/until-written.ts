// The write loop of one record's step (an event, a move, an edit): read, step, write until the write
// lands. Concurrent steps of this process share one read statement and one conditional write statement
// (group commit); a step that keeps losing its race is retried with the record locked.
import type { Knex } from 'knex';
import { RuntimeError } from '../runtime.error.js';
import type { Stepped } from './claim-next.js';
import type { Clock } from './clock.js';
import { Coalescer, ONLINE_BATCH } from './coalescer.js';
import { readRecords, type EventRead, type RecordKey } from './event-read.js';
import type { Metrics } from './metrics.js';
import { OutcomeBatch, writeEach, type RecordOutcome } from './record-writer.js';

/** Conditional writes tried before an event locks its record; then locked attempts (bounds in README). */
export const OPTIMISTIC_ATTEMPTS = 5;
export const LOCKED_ATTEMPTS = 3;

/** Writes one outcome on a transaction that holds its record's lock. */
async function writeOne(
  trx: Knex.Transaction,
  outcome: RecordOutcome,
  metrics: Metrics,
): Promise<boolean> {
  const batch = new OutcomeBatch(metrics);
  batch.add(outcome);
  return batch.written(trx);
}

export class StepWriter {
  /** Reads and writes of concurrent steps, each kind grouped into one statement (group commit). */
  readonly #reads: Coalescer<RecordKey, EventRead | null>;
  readonly #writes: Coalescer<RecordOutcome, boolean>;

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
    this.#reads = new Coalescer((keys) => readRecords(db, clock, keys), ONLINE_BATCH);
    this.#writes = new Coalescer((outcomes) => writeEach(db, outcomes, metrics), ONLINE_BATCH);
  }

  /**
   * Reads, steps (`prepare`) and writes until the write lands, then `finish`es: the write is conditional
   * on the record's `seq` (and a claim's on its claimant's), so if another event got there first the
   * step is made again from the new row. After OPTIMISTIC_ATTEMPTS lost races the record is locked for
   * the last attempts, so a record under heavy contention still makes progress. `locked`: every attempt
   * locks the record, and `finish` runs in the write's transaction (a step that writes more rows with it).
   */
  async untilWritten<T>(
    key: RecordKey,
    label: string,
    prepare: (db: Knex | Knex.Transaction, read: EventRead) => Promise<Stepped>,
    finish: (db: Knex | Knex.Transaction, stepped: Stepped) => Promise<T>,
    locked = false,
  ): Promise<T> {
    const found = (read: EventRead | null | undefined): EventRead => {
      if (!read) throw RuntimeError.notFound(`record ${key.recordId} in pool ${key.poolKey}`);
      return read;
    };
    // Grouped with concurrent events: one read statement, one conditional write statement.
    const optimistic = async () => {
      const stepped = await prepare(this.db, found(await this.#reads.submit(key)));
      return (await this.#writes.submit(stepped.outcome)) ? finish(this.db, stepped) : null;
    };
    // Alone, with the row locked from the read to the write.
    const alone = () =>
      this.db.transaction(async (trx) => {
        const [read] = await readRecords(trx, this.clock, [key], true);
        const stepped = await prepare(trx, found(read));
        return (await writeOne(trx, stepped.outcome, this.metrics)) ? finish(trx, stepped) : null;
      });
    for (let i = 0; i < OPTIMISTIC_ATTEMPTS + LOCKED_ATTEMPTS; i++) {
      const outcome = !locked && i < OPTIMISTIC_ATTEMPTS ? await optimistic() : await alone();
      if (outcome) return outcome;
      this.metrics.count('poolflow_write_conflicts_total', { type: label });
    }
    throw new RuntimeError(
      'POOL_ERR_CONFLICT',
      `record ${key.recordId} kept changing while the event was applied; try again`,
    );
  }
}
