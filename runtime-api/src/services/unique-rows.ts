// Unique fields (查重) in an import: a row with a value an earlier row of the file has is refused as it
// is read (duplicate-row); one with a value a record of the policy has, when its batch is written
// (duplicate, naming that record as a create's refusal does). The keys' primary key still decides: a
// value another record takes between the check and the write fails the batch, and the row the halving
// finds is reported not-written with the database's reason.
import type { CompiledPolicy, UniqueKey } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { RowProblem } from './import-rows.js';
import { duplicateError, keyHolders, keyName, keysOf } from './record-keys.js';

/** The rows of a batch that have unique values. */
interface KeyedRows {
  keys: { line: number; keys: UniqueKey[] }[];
}

export class UniqueRows {
  /** The line of the first accepted row of each value (the file's rows x unique fields at most). */
  readonly #lines = new Map<string, number>();
  readonly #fields: readonly string[];

  constructor(
    private readonly db: Knex,
    private readonly compiled: CompiledPolicy,
  ) {
    this.#fields = compiled.policy.entity.uniqueFields ?? [];
  }

  /** A row's unique values (none where the policy keeps no unique fields). */
  keys(data: unknown): UniqueKey[] {
    return this.#fields.length === 0 ? [] : keysOf(this.compiled, data);
  }

  /** The problem of a row with a value an earlier accepted row has, or null. */
  repeated(keys: readonly UniqueKey[]): RowProblem | null {
    for (const k of keys) {
      const line = this.#lines.get(keyName(k));
      if (line !== undefined)
        return {
          path: `/data/${k.field}`,
          message: `is the same as line ${line}'s`,
          code: 'duplicate-row',
          params: { field: k.field, line },
        };
    }
    return null;
  }

  /** Marks a row's values as taken by line `line`. */
  seen(keys: readonly UniqueKey[], line: number): void {
    for (const k of keys) if (!this.#lines.has(keyName(k))) this.#lines.set(keyName(k), line);
  }

  /**
   * Refuses (through `fail`) each row of the batch with a value a record of the policy has, naming that
   * record; returns their lines. One query a batch.
   */
  async taken(
    batch: KeyedRows,
    fail: (line: number, error: RowProblem) => void,
  ): Promise<Set<number>> {
    const refused = new Set<number>();
    const rows = batch.keys;
    if (rows.length === 0) return refused;
    const policyId = this.compiled.policy.id;
    const held = await keyHolders(
      this.db,
      policyId,
      rows.flatMap((r) => r.keys),
    );
    if (held.length === 0) return refused;
    const holders = new Map(held.map((h) => [keyName(h), h]));
    for (const row of rows) {
      const found = row.keys.flatMap((k) => holders.get(keyName(k)) ?? []);
      if (found.length === 0) continue;
      const [first] = (duplicateError(found, '/data').details ?? []) as RowProblem[];
      if (first) fail(row.line, first);
      refused.add(row.line);
    }
    return refused;
  }
}
