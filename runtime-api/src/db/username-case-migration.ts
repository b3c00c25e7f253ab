// Usernames are one name whatever their case: an index on the folded name, which user creation and login
// look names up by (auth.service.ts), unique unless the database already holds such a pair.
import type { Migration } from './migrations.js';

/** A username folded: "C" lowers A-Z only, whatever the database's locale (a Turkish one lowers I to ı). */
export const FOLDED_USERNAME = 'lower(username COLLATE "C")';

export const usernameCase: Migration = {
  name: '027_username_case',
  async up(knex) {
    // Two accounts named e.g. `Alice` and `alice` stay as they are (renaming one would lock its user out):
    // the index is then not unique, and creation's check alone refuses further such names.
    const { rows } = await knex.raw<{ rows: unknown[] }>(
      `SELECT 1 FROM users GROUP BY ${FOLDED_USERNAME} HAVING count(*) > 1 LIMIT 1`,
    );
    const unique = rows.length === 0 ? 'UNIQUE ' : '';
    await knex.raw(`CREATE ${unique}INDEX users_username_folded ON users ((${FOLDED_USERNAME}))`);
  },
  async down(knex) {
    await knex.raw('DROP INDEX IF EXISTS users_username_folded');
  },
};
