// Pools and their members in the database: the reads and writes the pool service and routes use.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { PoolRow, UserRow } from '../db/rows.js';
import type { InsertRow, PoolMemberRow, UpdateRow } from '../db/tables.js';
import type { KeyPage } from '../services/keyset-cursor.js';

declare module 'fastify' {
  interface FastifyInstance {
    poolRepository: PoolRepository;
  }
}

type Db = Knex | Knex.Transaction;

export type MemberWithUser = Pick<PoolMemberRow, 'user_id' | 'role'> &
  Pick<UserRow, 'username' | 'display_name' | 'disabled_at'> & {
    attributes: Record<string, unknown> | null;
  };

export class PoolRepository {
  constructor(private readonly db: Knex) {}

  get(key: string, db: Db = this.db): Promise<PoolRow | undefined> {
    return db('pools').where({ key }).first();
  }

  async exists(key: string, db: Db = this.db): Promise<boolean> {
    return (await db('pools').where({ key }).first('key')) !== undefined;
  }

  /** Every pool, or those of `keys`, by key; a page of them when `page` says which. */
  list(keys?: readonly string[], page?: KeyPage<string>): Promise<PoolRow[]> {
    const query = this.db('pools').orderBy('key');
    if (keys !== undefined) void query.whereIn('key', keys);
    if (page?.after !== undefined) void query.where('key', '>', page.after);
    if (page) void query.limit(page.limit);
    return query;
  }

  /** The pool and its first members, in the caller's transaction. */
  async insert(
    trx: Knex.Transaction,
    pool: InsertRow<'pools'>,
    members: readonly InsertRow<'pool_members'>[],
  ): Promise<void> {
    await trx('pools').insert(pool);
    if (members.length > 0) await trx('pool_members').insert(members);
  }

  async update(key: string, changes: UpdateRow<'pools'>): Promise<void> {
    await this.db('pools').where({ key }).update(changes);
  }

  /** Members with their names and attributes, by display name (the pool's policy view). */
  async membersWithUsers(key: string) {
    const rows = await this.db('pool_members')
      .join('users', 'users.id', 'pool_members.user_id')
      .where({ pool_key: key })
      .orderBy('users.display_name')
      .select(
        'pool_members.user_id',
        'pool_members.role',
        'users.username',
        'users.display_name',
        'users.attributes',
        'users.disabled_at',
      );
    // A join's columns are not typed by knex: these are pool_members' and users' (db/tables.ts).
    return rows as MemberWithUser[];
  }

  /** Records of the pool not in a final state (the index records_pool_version covers NOT done). */
  /** The members of these pools, by pool and user: one query for a page of pools. */
  membersOf(keys: readonly string[]): Promise<PoolMemberRow[]> {
    return this.db('pool_members').whereIn('pool_key', keys).orderBy(['pool_key', 'user_id']);
  }

  /** Running (not done) records of each of these pools; a pool without any is not in the map. */
  async runningCounts(keys: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.db('records')
      .whereIn('pool_key', keys)
      .where({ done: false })
      .groupBy('pool_key')
      .select('pool_key')
      .count<{ pool_key: string; n: string | number }[]>({ n: '*' });
    return new Map(rows.map((r) => [r.pool_key, Number(r.n)]));
  }

  /** Which of `ids` are users (of `departmentId` when given): candidates for membership. */
  userIds(ids: readonly string[], departmentId: string | null | undefined, db: Db = this.db) {
    const users = db('users').whereIn('id', ids);
    if (departmentId !== undefined) void users.where({ department_id: departmentId });
    return users.pluck('id');
  }

  /** Adds a member, or gives one already there the `changes` (none: left as it is). */
  async upsertMember(
    member: InsertRow<'pool_members'>,
    changes: UpdateRow<'pool_members'>,
  ): Promise<void> {
    const insert = this.db('pool_members').insert(member).onConflict(['pool_key', 'user_id']);
    await (Object.keys(changes).length > 0 ? insert.merge(changes) : insert.ignore());
  }

  /** Display names of the users who own records of the pool (members or not any more), by id. */
  async ownerNames(key: string): Promise<Map<string, string>> {
    const rows = await this.db('users')
      .whereRaw('EXISTS (SELECT 1 FROM records r WHERE r.pool_key = ? AND r.owner_id = users.id)', [
        key,
      ])
      .select('id', 'display_name');
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  /** Whether the user was a member. */
  async removeMember(key: string, userId: string): Promise<boolean> {
    // `returning`, not the delete count: knex-pglite does not report one.
    const removed = await this.db('pool_members')
      .where({ pool_key: key, user_id: userId })
      .delete()
      .returning('user_id');
    return removed.length > 0;
  }
}

export const poolRepositoryPlugin = fp(
  (app: FastifyInstance) => {
    app.decorate('poolRepository', new PoolRepository(app.db));
    return Promise.resolve();
  },
  { name: 'pool-repository', dependencies: ['services'] },
);
