// Departments in the database, each with its count of users and pools.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { LocalName } from '../db/tables.js';
import type { KeyPage } from '../services/keyset-cursor.js';

declare module 'fastify' {
  interface FastifyInstance {
    departmentRepository: DepartmentRepository;
  }
}

export interface DepartmentCounted {
  key: string;
  name: LocalName;
  user_count: number;
  pool_count: number;
}

export class DepartmentRepository {
  constructor(private readonly db: Knex) {}

  /** Every department, or only `key`, by key; a page of them when `page` says which. */
  list(key?: string, page?: KeyPage<string>): Promise<DepartmentCounted[]> {
    const query = this.db('departments as d')
      .select<DepartmentCounted[]>(
        'd.key',
        'd.name',
        this.db.raw(
          '(SELECT count(*) FROM users u WHERE u.department_id = d.key)::int AS user_count',
        ),
        this.db.raw(
          '(SELECT count(*) FROM pools p WHERE p.department_id = d.key)::int AS pool_count',
        ),
      )
      .orderBy('d.key');
    if (key !== undefined) void query.where('d.key', key);
    if (page?.after !== undefined) void query.where('d.key', '>', page.after);
    if (page) void query.limit(page.limit);
    return query;
  }

  /** Refused by the database (23505) when the key is taken. */
  async insert(key: string, name: LocalName): Promise<void> {
    await this.db('departments').insert({ key, name: JSON.stringify(name) });
  }
}

export const departmentRepositoryPlugin = fp(
  (app: FastifyInstance) => {
    app.decorate('departmentRepository', new DepartmentRepository(app.db));
    return Promise.resolve();
  },
  { name: 'department-repository', dependencies: ['services'] },
);
