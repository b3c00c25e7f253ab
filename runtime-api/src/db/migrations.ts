// Schema migrations, kept in code so the same list runs on PGlite and PostgreSQL.
import type { Knex } from 'knex';
import { auditEntry, audits } from './audits-migration.js';
import { authNotify } from './auth-notify-migration.js';
import { claimants } from './claimants-migration.js';
import { recordKeys, upgradeDuplicates } from './record-keys-migration.js';
import { routing } from './routing-migration.js';
import {
  authHardening,
  departments,
  poolUpgrades,
  publishGate,
  timerFailures,
  redactDeliveryErrors,
  activityLog,
  limitFreeStates,
  redactImportActivity,
  notificationsByTime,
  webhooks,
} from './operations-migrations.js';
import { leanerRecords } from './leaner-records-migration.js';
import { statsClaimLookups, statsConversion, statsExitDays } from './stats-conversion-migration.js';
import { statsRollup } from './stats-rollup-migration.js';
import { usernameCase } from './username-case-migration.js';

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const initial: Migration = {
  name: '001_initial',
  async up(knex) {
    await knex.schema.createTable('settings', (t) => {
      t.text('key').primary();
      t.jsonb('value').notNullable();
    });
    await knex.schema.createTable('users', (t) => {
      t.text('id').primary();
      t.text('username').notNullable().unique();
      t.text('display_name').notNullable();
      t.text('password_hash').notNullable();
      t.jsonb('roles').notNullable().defaultTo('[]');
      t.jsonb('attributes').notNullable().defaultTo('{}');
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.schema.createTable('sessions', (t) => {
      t.text('token_hash').primary();
      t.text('user_id').notNullable().references('users.id').onDelete('CASCADE');
      t.timestamp('expires_at', { useTz: true }).notNullable();
    });
    await knex.schema.createTable('policies', (t) => {
      t.text('id').primary();
      t.jsonb('name').notNullable();
      // json, not jsonb: a policy keeps the key order its author gave (states, fields, rules).
      t.json('draft').notNullable();
      t.integer('latest_version').notNullable().defaultTo(0);
      t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.schema.createTable('policy_versions', (t) => {
      t.text('policy_id').notNullable().references('policies.id');
      t.integer('version').notNullable();
      t.json('document').notNullable();
      t.text('message').notNullable().defaultTo('');
      t.text('published_by').notNullable();
      t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.primary(['policy_id', 'version']);
    });
    await knex.schema.createTable('pools', (t) => {
      t.text('key').primary();
      t.jsonb('name').notNullable();
      t.text('policy_id').notNullable();
      t.integer('policy_version').notNullable();
      t.text('distribution').notNullable().defaultTo('manual');
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.foreign(['policy_id', 'policy_version'])
        .references(['policy_id', 'version'])
        .inTable('policy_versions');
    });
    await knex.schema.createTable('pool_members', (t) => {
      t.text('pool_key').notNullable().references('pools.key').onDelete('CASCADE');
      t.text('user_id').notNullable().references('users.id').onDelete('CASCADE');
      t.text('role').notNullable().defaultTo('member');
      t.integer('capacity');
      t.primary(['pool_key', 'user_id']);
    });
    await knex.schema.createTable('records', (t) => {
      t.uuid('id').primary();
      t.text('pool_key').notNullable().references('pools.key');
      t.text('policy_id').notNullable();
      t.integer('policy_version').notNullable();
      t.text('state').notNullable();
      t.text('owner_id');
      t.boolean('pooled').notNullable();
      t.boolean('done').notNullable().defaultTo(false);
      t.jsonb('tags').notNullable().defaultTo('[]');
      t.double('score').notNullable().defaultTo(0);
      t.jsonb('data').notNullable();
      t.jsonb('snapshot').notNullable();
      t.integer('seq').notNullable();
      t.text('search').notNullable().defaultTo('');
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
    });
    await knex.raw('CREATE INDEX records_pool_score ON records (pool_key, pooled, score DESC, id)');
    await knex.raw(
      'CREATE INDEX records_owner ON records (pool_key, owner_id) WHERE owner_id IS NOT NULL',
    );
    await knex.raw('CREATE INDEX records_state ON records (pool_key, state)');
    await knex.schema.createTable('timers', (t) => {
      t.uuid('record_id').notNullable().references('records.id').onDelete('CASCADE');
      t.text('timer_key').notNullable();
      t.timestamp('due_at', { useTz: true }).notNullable();
      t.jsonb('event').notNullable();
      t.primary(['record_id', 'timer_key']);
    });
    await knex.raw('CREATE INDEX timers_due ON timers (due_at)');
    await knex.schema.createTable('history', (t) => {
      t.bigIncrements('id');
      t.uuid('record_id').notNullable().references('records.id').onDelete('CASCADE');
      t.text('pool_key').notNullable();
      t.integer('seq').notNullable();
      t.timestamp('at', { useTz: true }).notNullable();
      t.text('actor_id');
      t.text('event_type').notNullable();
      t.jsonb('payload');
      t.text('from_state').notNullable();
      t.text('to_state').notNullable();
      t.text('owner_from');
      t.text('owner_to');
      t.jsonb('tags').notNullable().defaultTo('[]');
      t.text('reason');
    });
    await knex.raw('CREATE INDEX history_record ON history (record_id, seq)');
    await knex.raw('CREATE INDEX history_pool_at ON history (pool_key, at)');
    await knex.schema.createTable('claims', (t) => {
      t.text('user_id').notNullable();
      t.text('pool_key').notNullable();
      t.uuid('record_id').notNullable();
      t.timestamp('at', { useTz: true }).notNullable();
    });
    await knex.raw('CREATE INDEX claims_user_day ON claims (user_id, pool_key, at)');
    await knex.schema.createTable('notifications', (t) => {
      t.bigIncrements('id');
      t.text('user_id').notNullable();
      t.uuid('record_id');
      t.text('pool_key');
      t.text('kind').notNullable();
      t.jsonb('message').notNullable();
      t.text('effect_key').unique();
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('read_at', { useTz: true });
    });
    await knex.raw('CREATE INDEX notifications_user ON notifications (user_id, id DESC)');
    await knex.schema.createTable('outbox', (t) => {
      t.bigIncrements('id');
      t.text('effect_key').notNullable().unique();
      t.uuid('record_id');
      t.text('type').notNullable();
      t.jsonb('effect').notNullable();
      t.integer('attempts').notNullable().defaultTo(0);
      t.timestamp('next_attempt_at', { useTz: true }).notNullable();
      t.timestamp('done_at', { useTz: true });
      t.text('last_error');
    });
    await knex.raw('CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE done_at IS NULL');
    await knex.schema.createTable('idempotency', (t) => {
      t.text('user_id').notNullable();
      t.text('key').notNullable();
      t.text('request_hash').notNullable();
      t.integer('status').notNullable();
      t.jsonb('response').notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.primary(['user_id', 'key']);
    });
  },
  async down(knex) {
    for (const table of [
      'idempotency',
      'outbox',
      'notifications',
      'claims',
      'history',
      'timers',
      'records',
      'pool_members',
      'pools',
      'policy_versions',
      'policies',
      'sessions',
      'users',
      'settings',
    ]) {
      await knex.schema.dropTableIfExists(table);
    }
  },
};

const distribution: Migration = {
  name: '002_distribution',
  async up(knex) {
    await knex.schema.alterTable('pool_members', (t) => {
      t.timestamp('last_assigned_at', { useTz: true });
    });
  },
  async down(knex) {
    await knex.schema.alterTable('pool_members', (t) => t.dropColumn('last_assigned_at'));
  },
};

// The sweep writes every released record's snapshot and a history row; measured on PostgreSQL 15, parsing
// the snapshot into jsonb cost about a third of the sweep's database time, and the history foreign key
// another tenth. Neither buys anything: SQL never looks inside a snapshot (the engine owns it; `json`
// still checks it is JSON), and history rows are only written in the statement that writes their record,
// which is never deleted.
const leanerWrites: Migration = {
  name: '003_leaner_writes',
  async up(knex) {
    await knex.raw('ALTER TABLE records ALTER COLUMN snapshot TYPE json USING snapshot::json');
    await knex.raw('ALTER TABLE history DROP CONSTRAINT history_record_id_foreign');
  },
  async down(knex) {
    await knex.raw('ALTER TABLE records ALTER COLUMN snapshot TYPE jsonb USING snapshot::jsonb');
    await knex.raw(
      'ALTER TABLE history ADD CONSTRAINT history_record_id_foreign FOREIGN KEY (record_id) REFERENCES records (id) ON DELETE CASCADE',
    );
  },
};

const migrations: Migration[] = [
  initial,
  distribution,
  leanerWrites,
  timerFailures,
  authHardening,
  publishGate,
  poolUpgrades,
  webhooks,
  departments,
  statsRollup,
  claimants,
  authNotify,
  routing,
  audits,
  statsConversion,
  leanerRecords,
  statsClaimLookups,
  statsExitDays,
  redactDeliveryErrors,
  activityLog,
  limitFreeStates,
  redactImportActivity,
  notificationsByTime,
  recordKeys,
  upgradeDuplicates,
  auditEntry,
  usernameCase,
];

/** A knex migration source over the in-code list. */
export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: () => Promise.resolve(migrations),
  getMigrationName: (m) => m.name,
  getMigration: (m) => Promise.resolve({ up: (k: Knex) => m.up(k), down: (k: Knex) => m.down(k) }),
};
