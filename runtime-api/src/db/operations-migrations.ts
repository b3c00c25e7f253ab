// Migrations 004 on, for running pools in production: failed timers, auth hardening, the publish gate,
// pool upgrades, webhook delivery and departments. The list that runs them is in migrations.ts.
import type { Migration } from './migrations.js';

// A timer whose step fails is kept with its error and retried later: `due_at` then holds the retry time
// (the sweep's DUE query and its index stay as they are: a waiting timer is simply not due), 'infinity'
// once parked, and `timer_due_at` the timer's own due time. `failed_at` is set while it is failed.
export const timerFailures: Migration = {
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
export const authHardening: Migration = {
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
export const publishGate: Migration = {
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
export const poolUpgrades: Migration = {
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
export const webhooks: Migration = {
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

// Delivery errors written before they named the target's host only (webhook.ts) held the whole URL, a
// group robot's access key with it: keep the host, drop the rest.
export const redactDeliveryErrors: Migration = {
  name: '019_redact_delivery_errors',
  async up(knex) {
    // Bindings, not literals: knex reads a `?` in the statement as one.
    const scheme = String.raw`^webhook (URL )?[a-zA-Z][a-zA-Z0-9+.-]*://`;
    await knex.raw(
      'UPDATE outbox SET last_error = regexp_replace(last_error, ?, ?) WHERE last_error ~ ?',
      [String.raw`${scheme}([^/?#\s]*@)?([^/?#\s]*)\S*`, String.raw`webhook \1\3`, scheme],
    );
  },
  async down() {
    // What was dropped is gone.
  },
};

// Departments own users, policies and pools (a department admin manages only its own); a pool's
// time zone sets where its day turns (daily claim limits, analytics days). Existing pools take
// Asia/Shanghai like new ones: the product's first users are in China, and UTC days turned at 08:00.
export const departments: Migration = {
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

// The activity log: who did what in the administration (users, roles, departments, pools, members,
// policies, rollouts, imports, exports, backups), one row per successful request (activity.plugin.ts).
// Kept for good: it grows with what admins do, not with the records.
export const activityLog: Migration = {
  name: '020_activity_log',
  async up(knex) {
    await knex.schema.createTable('activity', (t) => {
      t.bigIncrements('id');
      t.timestamp('at', { useTz: true }).notNullable();
      t.text('actor_id').notNullable();
      t.text('action').notNullable();
      t.text('target');
      t.jsonb('details').notNullable();
    });
    await knex.raw('CREATE INDEX activity_actor ON activity (actor_id, id DESC)');
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('activity');
  },
};

// States whose owned records do not count against the owner's claim limit (a state's meta
// `exemptFromClaimLimit`: resolved tickets, signed candidates). The writer sets the column from the
// record's state, as it sets `pooled`; existing rows were written under policies that had no such states.
export const limitFreeStates: Migration = {
  name: '021_limit_free_states',
  async up(knex) {
    await knex.raw('ALTER TABLE records ADD COLUMN limit_free boolean NOT NULL DEFAULT false');
  },
  async down(knex) {
    await knex.raw('ALTER TABLE records DROP COLUMN limit_free');
  },
};

// Imports logged before activity.plugin.ts knew their body is a stream held the stream object: its file
// descriptor and the server's temporary path. Their size is not known any more: the body says nothing.
export const redactImportActivity: Migration = {
  name: '022_redact_import_activity',
  async up(knex) {
    await knex.raw(
      `UPDATE activity SET details = jsonb_set(details, '{body}', '{}'::jsonb)
       WHERE action = 'records.import' AND details->'body'->>'path' IS NOT NULL`,
    );
  },
  async down() {
    // What was dropped is gone.
  },
};

// The bell lists a user's notifications by when they happened, newest first (ids follow the order
// rows were written, which a catch-up sweep or an import of old stories does not keep), and a
// notification is marked read on its own when opened.
export const notificationsByTime: Migration = {
  name: '023_notifications_by_time',
  async up(knex) {
    await knex.raw(
      'CREATE INDEX notifications_user_time ON notifications (user_id, created_at DESC, id DESC)',
    );
    await knex.raw('DROP INDEX notifications_user');
  },
  async down(knex) {
    await knex.raw('CREATE INDEX notifications_user ON notifications (user_id, id DESC)');
    await knex.raw('DROP INDEX notifications_user_time');
  },
};
