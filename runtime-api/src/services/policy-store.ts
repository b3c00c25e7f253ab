// Published policy versions, compiled once per process: versions are immutable, so the cache never goes stale.
import { compile, type CompiledPolicy, type Policy } from '@poolflow/engine';
import type { Knex } from 'knex';
import { RuntimeError } from '../runtime.error.js';

export class PolicyStore {
  readonly #compiled = new Map<string, Promise<CompiledPolicy>>();

  constructor(private readonly db: Knex) {}

  /**
   * Inside a transaction pass it as `db`: a cache miss must not wait for a second connection while the
   * transaction holds one (PGlite has only one; a full PostgreSQL pool would stall the same way).
   */
  get(
    policyId: string,
    version: number,
    db: Knex | Knex.Transaction = this.db,
  ): Promise<CompiledPolicy> {
    const key = `${policyId}@${version}`;
    let hit = this.#compiled.get(key);
    if (!hit) {
      hit = this.#load(db, policyId, version);
      hit.catch(() => this.#compiled.delete(key));
      this.#compiled.set(key, hit);
    }
    return hit;
  }

  async #load(
    db: Knex | Knex.Transaction,
    policyId: string,
    version: number,
  ): Promise<CompiledPolicy> {
    const row = (await db('policy_versions').where({ policy_id: policyId, version }).first()) as
      { document: Policy } | undefined;
    if (!row) throw RuntimeError.notFound(`policy ${policyId} version ${version}`);
    return compile(row.document);
  }
}
