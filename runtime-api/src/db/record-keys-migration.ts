// Unique fields (查重): one row per unique value a record holds under its policy version's
// `entity.uniqueFields`. The primary key is the constraint: two creates of one customer at once cannot
// both write theirs. Scoped by policy, because a record moves only between pools of its policy.
import type { Migration } from './migrations.js';

export const recordKeys: Migration = {
  name: '024_record_keys',
  async up(knex) {
    await knex.schema.createTable('record_keys', (t) => {
      t.text('policy_id').notNullable();
      t.text('field').notNullable();
      // The value as compared (engine uniqueValue); a long one as its SHA-256 (record-keys.ts).
      t.text('value').notNullable();
      t.uuid('record_id').notNullable().references('records.id').onDelete('CASCADE');
      t.primary(['policy_id', 'field', 'value']);
    });
    await knex.raw('CREATE INDEX record_keys_record ON record_keys (record_id)');
    // Records an upgrade moved onto unique fields whose value another record already held.
    await knex.schema.alterTable('pool_upgrades', (t) => {
      t.integer('duplicates').notNullable().defaultTo(0);
    });
  },
  async down(knex) {
    await knex.schema.alterTable('pool_upgrades', (t) => {
      t.dropColumn('duplicates');
    });
    await knex.schema.dropTable('record_keys');
  },
};

// The records an upgrade found sharing a unique value with another record, listed in its view.
export const upgradeDuplicates: Migration = {
  name: '025_upgrade_duplicates',
  async up(knex) {
    await knex.schema.createTable('pool_upgrade_duplicates', (t) => {
      t.uuid('upgrade_id').notNullable().references('pool_upgrades.id').onDelete('CASCADE');
      t.uuid('record_id').notNullable().references('records.id').onDelete('CASCADE');
      t.text('field').notNullable();
      t.uuid('held_by').notNullable();
      t.primary(['upgrade_id', 'record_id', 'field']);
    });
  },
  async down(knex) {
    await knex.schema.dropTable('pool_upgrade_duplicates');
  },
};
