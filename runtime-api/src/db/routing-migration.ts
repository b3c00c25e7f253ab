// Pool routing: a pool's admission and routing rules (routing.schema.json), read on create, import and
// release in the entrance pool; NULL when the pool has none.
import type { Migration } from './migrations.js';

export const routing: Migration = {
  name: '013_pool_routing',
  async up(knex) {
    await knex.schema.alterTable('pools', (t) => {
      // json, not jsonb: rules keep the order and key order their author gave.
      t.json('routing').nullable();
    });
  },
  async down(knex) {
    await knex.schema.alterTable('pools', (t) => {
      t.dropColumn('routing');
    });
  },
};
