// Published policy versions, compiled once per process: versions are immutable, so the cache never goes stale.
import {
  compile,
  EngineError,
  policyWarnings,
  type CompiledPolicy,
  type Policy,
  type Problem,
} from '@poolflow/engine';
import type { Knex } from 'knex';
import type { PolicyRow } from '../db/tables.js';
import { PolicyRepository, type VersionSummaryRow } from '../repositories/policy.repository.js';
import { RuntimeError } from '../runtime.error.js';
import type { KeyPage } from './keyset-cursor.js';
import { moveActionProblems } from './move-target.js';
import { runSavedScenarios, scenarioFailedError, type ScenarioFailure } from './publish-gate.js';

export interface PublishOptions {
  message: string;
  /** Publish even though saved scenarios fail; the version records it (a message is then required). */
  force: boolean;
  actorId: string;
  /** The runtime's time, that warnings are judged at. */
  now: number;
}

export interface Published {
  id: string;
  version: number;
  forced: boolean;
  failedScenarios: ScenarioFailure[];
  /** What validation warns of (a calendar's holidays running out): said, never refusing the version. */
  warnings: Problem[];
}

export interface VersionSummary {
  version: number;
  message: string;
  publishedBy: string;
  publishedAt: string;
  forced: boolean;
  failedScenarios: ScenarioFailure[];
}

type VersionRow = VersionSummaryRow;

const summaryOf = (r: VersionRow): VersionSummary => ({
  version: r.version,
  message: r.message,
  publishedBy: r.published_by,
  publishedAt: r.published_at.toISOString(),
  forced: r.forced,
  failedScenarios: r.failed_scenarios ?? [],
});

/** POOL_ERR_INVALID_POLICY with its problems, the first five in the message. */
function invalidPolicy(problems: { path: string; message: string }[]): RuntimeError {
  return new RuntimeError(
    'POOL_ERR_INVALID_POLICY',
    `policy is invalid: ${problems
      .slice(0, 5)
      .map((p) => `${p.path} ${p.message}`)
      .join('; ')}`,
    problems,
  );
}

/** compile() validates; its problems point into the draft, so they name `/document/...`. */
export function compileDraft(document: Policy): CompiledPolicy {
  try {
    return compile(document);
  } catch (e) {
    if (!(e instanceof EngineError) || e.code !== 'POOL_ERR_INVALID_POLICY') throw e;
    throw invalidPolicy(
      (e.details as Problem[]).map((p) => ({ ...p, path: `/document${p.path}` })),
    );
  }
}

export class PolicyStore {
  readonly #compiled = new Map<string, Promise<CompiledPolicy>>();
  readonly repository: PolicyRepository;

  constructor(private readonly db: Knex) {
    this.repository = new PolicyRepository(db);
  }

  /** A page of the policies, or of a department's (`departmentId`), by id. */
  list(departmentId: string | null | undefined, page: KeyPage<string>): Promise<PolicyRow[]> {
    return this.repository.list(departmentId, page);
  }

  draft(id: string): Promise<PolicyRow | undefined> {
    return this.repository.get(id);
  }

  /** A new policy whose draft is `document` (valid: the caller checked); its id must be free. */
  async createDraft(document: Policy, departmentId: string | null): Promise<PolicyRow> {
    if (await this.repository.exists(document.id))
      throw RuntimeError.invalid('/body/document/id', `policy ${document.id} exists`, 'key-taken', {
        value: document.id,
      });
    await this.repository.insertDraft({
      id: document.id,
      name: JSON.stringify(document.name),
      draft: JSON.stringify(document),
      department_id: departmentId,
    });
    return this.#draft(document.id);
  }

  /** Saves a draft (valid or not: it may be mid-edit); its name follows the document's. */
  async saveDraft(id: string, document: Policy): Promise<PolicyRow> {
    const updated = await this.repository.updateDraft(id, {
      draft: JSON.stringify(document),
      name: JSON.stringify(document.name ?? { en: document.id }),
      updated_at: this.db.fn.now(),
    });
    if (!updated) throw RuntimeError.notFound(`policy ${id}`);
    return this.#draft(id);
  }

  async #draft(id: string): Promise<PolicyRow> {
    const row = await this.repository.get(id);
    if (!row) throw RuntimeError.notFound(`policy ${id}`);
    return row;
  }

  /**
   * Publishes the draft as the next version, behind the publish gate: its saved scenarios run on the
   * compiled document first, and a failure refuses with 422 POOL_ERR_SCENARIO_FAILED unless forced.
   * The draft row stays locked from the read to the write, so the version is the draft the gate ran.
   */
  publish(policyId: string, options: PublishOptions): Promise<Published> {
    return this.db.transaction(async (trx) => {
      const row = await this.repository.lockDraft(trx, policyId);
      if (!row) throw RuntimeError.notFound(`policy ${policyId}`);
      const version = row.latest_version + 1;
      const document = { ...row.draft, version };
      const compiled = compileDraft(document);
      // A moveToPool action may only name a pool its records may move to (move-target.ts).
      const moves = await moveActionProblems(trx, document, row.department_id);
      if (moves.length > 0) throw invalidPolicy(moves);
      const failures = runSavedScenarios(compiled, document);
      if (failures.length > 0 && !options.force) {
        throw scenarioFailedError(failures, document.scenarios?.length ?? 0);
      }
      const forced = failures.length > 0;
      await this.repository.insertVersion(trx, {
        policy_id: row.id,
        version,
        document: JSON.stringify(document),
        message: options.message,
        published_by: options.actorId,
        forced,
        failed_scenarios: forced ? JSON.stringify(failures) : null,
      });
      const warnings = policyWarnings(document, options.now);
      return { id: row.id, version, forced, failedScenarios: failures, warnings };
    });
  }

  /** A page of a policy's versions, newest first, each saying whether it was forced past failing scenarios. */
  async versions(policyId: string, page: KeyPage<number>): Promise<VersionSummary[]> {
    return (await this.repository.versions(policyId, page)).map(summaryOf);
  }

  async version(policyId: string, version: number): Promise<VersionSummary & { document: Policy }> {
    const row = await this.repository.version(policyId, version);
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
    const row = await this.repository.version(policyId, version, db);
    if (!row) throw RuntimeError.notFound(`policy ${policyId} version ${version}`);
    // Published already: checks added to validate() since must not stop the records running on it.
    return compile(row.document, { published: true });
  }
}
