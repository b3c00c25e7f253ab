// Changes that can end a session or change what it may do fire NOTIFY poolflow_auth, so every process
// drops its session cache at once (session-cache.ts). Statement triggers: one notice per statement.
import type { Migration } from './migrations.js';

const TRIGGERS: [table: string, events: string][] = [
  ['sessions', 'UPDATE OR DELETE'],
  ['users', 'UPDATE OR DELETE'],
  // Not `last_assigned_at`: distribution updates it on every push.
  ['pool_members', 'INSERT OR DELETE OR UPDATE OF role, user_id, pool_key'],
  ['pools', 'INSERT OR DELETE OR UPDATE OF key, department_id'],
  ['departments', 'DELETE'],
];

export const authNotify: Migration = {
  name: '014_auth_notify',
  async up(knex) {
    await knex.raw(`CREATE FUNCTION poolflow_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('poolflow_auth', TG_TABLE_NAME); RETURN NULL; END $$`);
    for (const [table, events] of TRIGGERS)
      await knex.raw(
        `CREATE TRIGGER ${table}_auth_changed AFTER ${events} ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION poolflow_auth_changed()`,
      );
  },
  async down(knex) {
    for (const [table] of TRIGGERS)
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_auth_changed ON ${table}`);
    await knex.raw('DROP FUNCTION IF EXISTS poolflow_auth_changed()');
  },
};
