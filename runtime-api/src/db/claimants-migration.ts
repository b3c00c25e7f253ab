// Claimant sequence numbers: every claim (and every push that counts as one) bumps its claimant's row in
// the statement that writes it, so claim limits hold without locking the claimant (write-statement.ts).
import type { Migration } from './migrations.js';

export const claimants: Migration = {
  name: '012_claimants',
  async up(knex) {
    await knex.schema.createTable('claimants', (t) => {
      t.text('pool_key').notNullable();
      t.text('user_id').notNullable();
      t.bigInteger('seq').notNullable();
      t.primary(['pool_key', 'user_id']);
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('claimants');
  },
};
