// Published policy versions, compiled once per process: versions are immutable, so the cache never goes stale.
import { compile, type CompiledPolicy, type Policy } from '@poolflow/engine';
import type { Knex } from 'knex';
import { RuntimeError } from '../runtime.error.js';

export class PolicyStore {
  readonly #compiled = new Map<string, Promise<CompiledPolicy>>();

  constructor(private readonly db: Knex) {}

  get(policyId: string, version: number): Promise<CompiledPolicy> {
    const key = `${policyId}@${version}`;
    let hit = this.#compiled.get(key);
    if (!hit) {
      hit = this.#load(policyId, version);
      hit.catch(() => this.#compiled.delete(key));
      this.#compiled.set(key, hit);
    }
    return hit;
  }

  async #load(policyId: string, version: number): Promise<CompiledPolicy> {
    const row = (await this.db('policy_versions')
      .where({ policy_id: policyId, version })
      .first()) as { document: Policy } | undefined;
    if (!row) throw RuntimeError.notFound(`policy ${policyId} version ${version}`);
    return compile(row.document);
  }
}
