// Published policy versions, compiled once per process: versions are immutable, so the cache never goes stale.
import {
  compile,
  EngineError,
  type CompiledPolicy,
  type Policy,
  type Problem,
} from '@poolflow/engine';
import type { Knex } from 'knex';
import { RuntimeError } from '../runtime.error.js';
import { runSavedScenarios, scenarioFailedError, type ScenarioFailure } from './publish-gate.js';

export interface PublishOptions {
  message: string;
  /** Publish even though saved scenarios fail; the version records it (a message is then required). */
  force: boolean;
  actorId: string;
}

export interface Published {
  id: string;
  version: number;
  forced: boolean;
  failedScenarios: ScenarioFailure[];
}

export interface VersionSummary {
  version: number;
  message: string;
  publishedBy: string;
  publishedAt: string;
  forced: boolean;
  failedScenarios: ScenarioFailure[];
}

interface VersionRow {
  version: number;
  message: string;
  published_by: string;
  published_at: Date;
  forced: boolean;
  failed_scenarios: ScenarioFailure[] | null;
}

const summaryOf = (r: VersionRow): VersionSummary => ({
  version: r.version,
  message: r.message,
  publishedBy: r.published_by,
  publishedAt: r.published_at.toISOString(),
  forced: r.forced,
  failedScenarios: r.failed_scenarios ?? [],
});

/** compile() validates; its problems point into the draft, so they name `/document/...`. */
function compileDraft(document: Policy): CompiledPolicy {
  try {
    return compile(document);
  } catch (e) {
    if (!(e instanceof EngineError) || e.code !== 'POOL_ERR_INVALID_POLICY') throw e;
    const problems = (e.details as Problem[]).map((p) => ({ ...p, path: `/document${p.path}` }));
    throw new RuntimeError(
      'POOL_ERR_INVALID_POLICY',
      `policy is invalid: ${problems
        .slice(0, 5)
        .map((p) => `${p.path} ${p.message}`)
        .join('; ')}`,
      problems,
    );
  }
}

export class PolicyStore {
  readonly #compiled = new Map<string, Promise<CompiledPolicy>>();

  constructor(private readonly db: Knex) {}

  /**
   * Publishes the draft as the next version, behind the publish gate: its saved scenarios run on the
   * compiled document first, and a failure refuses with 422 POOL_ERR_SCENARIO_FAILED unless forced.
   * The draft row stays locked from the read to the write, so the version is the draft the gate ran.
   */
  publish(policyId: string, options: PublishOptions): Promise<Published> {
    return this.db.transaction(async (trx) => {
      const row = (await trx('policies').where({ id: policyId }).forUpdate().first()) as
        { id: string; draft: Policy; latest_version: number } | undefined;
      if (!row) throw RuntimeError.notFound(`policy ${policyId}`);
      const version = row.latest_version + 1;
      const document = { ...row.draft, version };
      const failures = runSavedScenarios(compileDraft(document), document);
      if (failures.length > 0 && !options.force) {
        throw scenarioFailedError(failures, document.scenarios?.length ?? 0);
      }
      const forced = failures.length > 0;
      await trx('policy_versions').insert({
        policy_id: row.id,
        version,
        document: JSON.stringify(document),
        message: options.message,
        published_by: options.actorId,
        forced,
        failed_scenarios: forced ? JSON.stringify(failures) : null,
      });
      await trx('policies')
        .where({ id: row.id })
        .update({ latest_version: version, draft: JSON.stringify(document) });
      return { id: row.id, version, forced, failedScenarios: failures };
    });
  }

  /** The versions of a policy, newest first, each saying whether it was forced past failing scenarios. */
  async versions(policyId: string): Promise<VersionSummary[]> {
    const rows = (await this.db('policy_versions')
      .where({ policy_id: policyId })
      .orderBy('version', 'desc')
      .select(
        'version',
        'message',
        'published_by',
        'published_at',
        'forced',
        'failed_scenarios',
      )) as VersionRow[];
    return rows.map(summaryOf);
  }

  async version(policyId: string, version: number): Promise<VersionSummary & { document: Policy }> {
    const row = (await this.db('policy_versions')
      .where({ policy_id: policyId, version })
      .first()) as (VersionRow & { document: Policy }) | undefined;
    if (!row) throw RuntimeError.notFound(`policy ${policyId} version ${version}`);
    return { ...summaryOf(row), document: row.document };
  }

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
    // Published already: checks added to validate() since must not stop the records running on it.
    return compile(row.document, { published: true });
  }
}
