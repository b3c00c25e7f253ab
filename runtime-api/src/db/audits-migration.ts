// The audit queue: events a policy's `audit` sampled or forced, with the timers they set (before and
// after), and the managers' verdicts; a rep's integrity record is read from the decided ones.
import type { Migration } from './migrations.js';

export const audits: Migration = {
  name: '011_audits',
  async up(knex) {
    await knex.schema.createTable('audits', (t) => {
      t.uuid('id').primary();
      t.text('pool_key').notNullable();
      t.uuid('record_id').notNullable().references('records.id').onDelete('CASCADE');
      // The audited event's seq: one audit per event, however often its write is retried.
      t.integer('seq').notNullable();
      t.text('event_type').notNullable();
      t.text('actor_id');
      t.jsonb('payload');
      t.timestamp('at', { useTz: true }).notNullable();
      t.text('reason').notNullable();
      t.jsonb('timers_before').notNullable();
      t.jsonb('timers_after').notNullable();
      t.text('status').notNullable().defaultTo('open');
      t.text('verdict');
      t.text('note');
      t.text('decided_by');
      t.timestamp('decided_at', { useTz: true });
      t.boolean('revoked');
      t.jsonb('restored');
      t.unique(['record_id', 'seq']);
    });
    await knex.raw('CREATE INDEX audits_queue ON audits (pool_key, status, at, id)');
    await knex.raw(
      'CREATE INDEX audits_decided ON audits (pool_key, decided_at, id) WHERE verdict IS NOT NULL',
    );
    // A rep's integrity record (user.integrity) is read by actor on the event path.
    await knex.raw(
      'CREATE INDEX audits_integrity ON audits (actor_id, decided_at) WHERE verdict IS NOT NULL',
    );
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('audits');
  },
};

// When an audited event re-entered the record's state: the entry time before it and its own, so a fake
// verdict puts the entry back (engine AuditMark.entry). NULL for an event that did not, and for audits
// written before this column (their revocation restores timers only, as it did).
export const auditEntry: Migration = {
  name: '026_audit_entry',
  async up(knex) {
    await knex.schema.alterTable('audits', (t) => {
      t.timestamp('entered_before', { useTz: true });
      t.timestamp('entered_after', { useTz: true });
    });
  },
  async down(knex) {
    await knex.schema.alterTable('audits', (t) => {
      t.dropColumn('entered_before');
      t.dropColumn('entered_after');
    });
  },
};
