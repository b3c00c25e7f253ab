// Policies in the database: drafts (one row per policy) and their immutable published versions.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { InsertRow, PolicyRow, PolicyVersionRow, UpdateRow } from '../db/tables.js';
import type { KeyPage } from '../services/keyset-cursor.js';

declare module 'fastify' {
  interface FastifyInstance {
    policyRepository: PolicyRepository;
  }
}

type Db = Knex | Knex.Transaction;

/** A version without its document (the version list). */
export type VersionSummaryRow = Omit<PolicyVersionRow, 'policy_id' | 'document'>;

export class PolicyRepository {
  constructor(private readonly db: Knex) {}

  /** A page of the policies, or of a department's, by id. */
  list(departmentId: string | null | undefined, page: KeyPage<string>): Promise<PolicyRow[]> {
    const query = this.db('policies').orderBy('id').limit(page.limit);
    if (departmentId !== undefined) void query.where({ department_id: departmentId });
    if (page.after !== undefined) void query.where('id', '>', page.after);
    return query;
  }

  get(id: string): Promise<PolicyRow | undefined> {
    return this.db('policies').where({ id }).first();
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db('policies').where({ id }).first('id')) !== undefined;
  }

  /** The latest version and department of a policy (a pool is built from them). */
  head(id: string, db: Db = this.db) {
    return db('policies').where({ id }).first('latest_version', 'department_id');
  }

  async insertDraft(row: InsertRow<'policies'>): Promise<void> {
    await this.db('policies').insert(row);
  }

  /** Whether the policy was there to update. */
  async updateDraft(id: string, changes: UpdateRow<'policies'>): Promise<boolean> {
    return (await this.db('policies').where({ id }).update(changes)) > 0;
  }

  /** The draft, locked until the transaction ends (publishing reads and writes it). */
  lockDraft(trx: Knex.Transaction, id: string) {
    return trx('policies')
      .where({ id })
      .forUpdate()
      .first('id', 'draft', 'latest_version', 'department_id');
  }

  /** Writes a published version and makes it the policy's latest (its draft carries the number). */
  async insertVersion(trx: Knex.Transaction, row: InsertRow<'policy_versions'>): Promise<void> {
    await trx('policy_versions').insert(row);
    await trx('policies')
      .where({ id: row.policy_id })
      .update({ latest_version: row.version, draft: row.document });
  }

  async hasVersion(policyId: string, version: number, db: Db = this.db): Promise<boolean> {
    const row = await db('policy_versions')
      .where({ policy_id: policyId, version })
      .first('version');
    return row !== undefined;
  }

  /** A page of the versions of a policy, newest first. */
  versions(policyId: string, page: KeyPage<number>): Promise<VersionSummaryRow[]> {
    const query = this.db('policy_versions')
      .where({ policy_id: policyId })
      .orderBy('version', 'desc')
      .limit(page.limit)
      .select('version', 'message', 'published_by', 'published_at', 'forced', 'failed_scenarios');
    if (page.after !== undefined) void query.where('version', '<', page.after);
    return query;
  }

  /** Every published version number of a policy, oldest first. */
  async versionNumbers(policyId: string): Promise<number[]> {
    const rows = await this.db('policy_versions')
      .where({ policy_id: policyId })
      .orderBy('version')
      .select('version');
    return rows.map((r) => r.version);
  }

  version(policyId: string, version: number, db: Db = this.db) {
    return db('policy_versions').where({ policy_id: policyId, version }).first();
  }
}

export const policyRepositoryPlugin = fp(
  (app: FastifyInstance) => {
    // The one the policy store (app.policies) reads and publishes through.
    app.decorate('policyRepository', app.policies.repository);
    return Promise.resolve();
  },
  { name: 'policy-repository', dependencies: ['services'] },
);
