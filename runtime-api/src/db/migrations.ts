// Schema migrations, kept in code so the same list runs on PGlite and PostgreSQL.
import type { Knex } from 'knex';

interface Migration {
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

// A timer whose step fails is kept with its error and retried later: `due_at` then holds the retry time
// (the sweep's DUE query and its index stay as they are: a waiting timer is simply not due), 'infinity'
// once parked, and `timer_due_at` the timer's own due time. `failed_at` is set while it is failed.
const timerFailures: Migration = {
  name: '004_timer_failures',
  async up(knex) {
    await knex.schema.alterTable('timers', (t) => {
      t.integer('attempts').notNullable().defaultTo(0);
      t.timestamp('failed_at', { useTz: true });
      t.jsonb('error');
      t.timestamp('timer_due_at', { useTz: true });
    });
    await knex.raw('CREATE INDEX timers_failed ON timers (failed_at) WHERE failed_at IS NOT NULL');
  },
  async down(knex) {
    await knex.raw('DROP INDEX IF EXISTS timers_failed');
    await knex.schema.alterTable('timers', (t) => {
      t.dropColumn('timer_due_at');
      t.dropColumn('error');
      t.dropColumn('failed_at');
      t.dropColumn('attempts');
    });
  },
};

// Users can be disabled (every token stops at once); login attempts are counted per username and per
// address in fixed windows, in the database so that every process of one database shares the counts.
const authHardening: Migration = {
  name: '005_auth_hardening',
  async up(knex) {
    await knex.schema.alterTable('users', (t) => {
      t.timestamp('disabled_at', { useTz: true });
    });
    await knex.raw('CREATE INDEX sessions_user ON sessions (user_id)');
    await knex.raw('CREATE INDEX sessions_expires ON sessions (expires_at)');
    await knex.schema.createTable('login_attempts', (t) => {
      t.text('kind').notNullable();
      t.text('key').notNullable();
      t.timestamp('window_start', { useTz: true }).notNullable();
      t.integer('attempts').notNullable();
      t.primary(['kind', 'key']);
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('login_attempts');
    await knex.raw('DROP INDEX IF EXISTS sessions_expires');
    await knex.raw('DROP INDEX IF EXISTS sessions_user');
    await knex.schema.alterTable('users', (t) => t.dropColumn('disabled_at'));
  },
};

// A version published past failing scenarios says so: `forced`, and the failures the publish gate saw
// (the same list as the 422 POOL_ERR_SCENARIO_FAILED details), so the history shows who overrode what.
const publishGate: Migration = {
  name: '006_publish_gate',
  async up(knex) {
    await knex.schema.alterTable('policy_versions', (t) => {
      t.boolean('forced').notNullable().defaultTo(false);
      t.json('failed_scenarios');
    });
  },
  async down(knex) {
    await knex.schema.alterTable('policy_versions', (t) => {
      t.dropColumn('failed_scenarios');
      t.dropColumn('forced');
    });
  },
};

// Pool upgrades (services/upgrade.service.ts): one row per upgrade, its progress counted in the transaction
// that moves each batch; records that could not move are listed so the batches pass over them. The partial
// index finds a pool's records still on an older version without scanning those already moved.
const poolUpgrades: Migration = {
  name: '007_pool_upgrades',
  async up(knex) {
    await knex.schema.createTable('pool_upgrades', (t) => {
      t.uuid('id').primary();
      t.text('pool_key').notNullable().references('pools.key');
      t.text('policy_id').notNullable();
      t.integer('to_version').notNullable();
      t.jsonb('from_versions').notNullable().defaultTo('[]');
      t.jsonb('state_map').notNullable().defaultTo('{}');
      t.text('timers').notNullable();
      t.text('status').notNullable();
      t.integer('total').notNullable();
      t.integer('done').notNullable().defaultTo(0);
      t.integer('failed').notNullable().defaultTo(0);
      t.text('started_by');
      t.timestamp('started_at', { useTz: true }).notNullable();
      t.timestamp('finished_at', { useTz: true });
    });
    await knex.raw('CREATE INDEX pool_upgrades_pool ON pool_upgrades (pool_key, started_at DESC)');
    await knex.raw(
      "CREATE INDEX pool_upgrades_running ON pool_upgrades (started_at) WHERE status = 'running'",
    );
    await knex.schema.createTable('pool_upgrade_failures', (t) => {
      t.uuid('upgrade_id').notNullable().references('pool_upgrades.id').onDelete('CASCADE');
      t.uuid('record_id').notNullable();
      t.jsonb('error').notNullable();
      t.timestamp('at', { useTz: true }).notNullable();
      t.primary(['upgrade_id', 'record_id']);
    });
    await knex.raw(
      'CREATE INDEX records_pool_version ON records (pool_key, policy_version) WHERE NOT done',
    );
  },
  async down(knex) {
    await knex.raw('DROP INDEX IF EXISTS records_pool_version');
    await knex.schema.dropTableIfExists('pool_upgrade_failures');
    await knex.schema.dropTableIfExists('pool_upgrades');
  },
};

// Webhook deliveries: a dead-letter state after the last attempt (kept, listed, retried by an admin) and
// the times admins read; rows already past the old attempt limit are dead.
const webhooks: Migration = {
  name: '008_webhooks',
  async up(knex) {
    await knex.schema.alterTable('outbox', (t) => {
      t.timestamp('dead_at', { useTz: true });
      t.timestamp('last_attempt_at', { useTz: true });
      t.timestamp('created_at', { useTz: true }).defaultTo(knex.fn.now());
    });
    await knex.raw('UPDATE outbox SET dead_at = now() WHERE done_at IS NULL AND attempts >= 8');
    await knex.raw('DROP INDEX IF EXISTS outbox_pending');
    await knex.raw(
      'CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE done_at IS NULL AND dead_at IS NULL',
    );
  },
  async down(knex) {
    await knex.raw('DROP INDEX IF EXISTS outbox_pending');
    await knex.schema.alterTable('outbox', (t) => {
      t.dropColumn('created_at');
      t.dropColumn('last_attempt_at');
      t.dropColumn('dead_at');
    });
    await knex.raw('CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE done_at IS NULL');
  },
};

// Departments own users, policies and pools (a department admin manages only its own); a pool's
// time zone sets where its day turns (daily claim limits, analytics days). Existing pools take
// Asia/Shanghai like new ones: the product's first users are in China, and UTC days turned at 08:00.
const departments: Migration = {
  name: '009_departments',
  async up(knex) {
    await knex.schema.createTable('departments', (t) => {
      t.text('key').primary();
      t.jsonb('name').notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.schema.alterTable('users', (t) => {
      t.text('department_id').references('departments.key');
    });
    await knex.schema.alterTable('policies', (t) => {
      t.text('department_id').references('departments.key');
    });
    await knex.schema.alterTable('pools', (t) => {
      t.text('department_id').references('departments.key');
      t.text('time_zone').notNullable().defaultTo('Asia/Shanghai');
    });
    await knex.raw('CREATE INDEX users_department ON users (department_id)');
    await knex.raw('CREATE INDEX pools_department ON pools (department_id)');
  },
  async down(knex) {
    await knex.schema.alterTable('pools', (t) => {
      t.dropColumn('time_zone');
      t.dropColumn('department_id');
    });
    await knex.schema.alterTable('policies', (t) => t.dropColumn('department_id'));
    await knex.schema.alterTable('users', (t) => t.dropColumn('department_id'));
    await knex.schema.dropTableIfExists('departments');
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
];

/** A knex migration source over the in-code list. */
export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: () => Promise.resolve(migrations),
  getMigrationName: (m) => m.name,
  getMigration: (m) => Promise.resolve({ up: (k: Knex) => m.up(k), down: (k: Knex) => m.down(k) }),
};
