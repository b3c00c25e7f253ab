// Users and sessions: scrypt password hashes, random bearer tokens stored only as HMACs.
import { createHmac, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { UserRow } from '../db/rows.js';
import { FOLDED_USERNAME } from '../db/username-case-migration.js';
import { RuntimeError } from '../runtime.error.js';
import { databaseClock, type Clock } from './clock.js';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter, type LoginLimits } from './login-limiter.js';
import { PURGE_LIMITS, purgeInChunks, type PurgeLimits } from './purge.js';
import type { Actor } from './record.service.js';
import { SessionCache } from './session-cache.js';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };
// Sessions run on wall time, not the runtime's clock: a demo that moves the manual clock days ahead
// must not log everyone out.
const SESSION_MS = 12 * 3600_000;
/** Shortest password for new users, changed and reset passwords and POOLFLOW_ADMIN_PASSWORD. */
export const MIN_PASSWORD_LENGTH = 12;

/** What is wrong with a password given in a setting (`name`), or null: server and demo stop on it. */
export function passwordSettingProblem(name: string, value: string | undefined): string | null {
  return value !== undefined && value.length < MIN_PASSWORD_LENGTH
    ? `${name} must have at least ${MIN_PASSWORD_LENGTH} characters`
    : null;
}
/** Unknown usernames are checked against this hash, so they cost the same scrypt as known ones. */
const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${'A'.repeat(22)}$${'A'.repeat(43)}`;
const WRONG_LOGIN = 'wrong username or password';

/** `value` (or a name differing from it only by case, `holder`) is a user's already. */
function usernameTaken(value: string, holder = value): RuntimeError {
  const by = holder === value ? '' : ` (as ${holder})`;
  return RuntimeError.invalid('/body/username', `username ${value} is taken${by}`, 'key-taken', {
    value,
  });
}

type StoredUser = UserRow;

export interface UserPatch {
  displayName?: string | undefined;
  roles?: string[] | undefined;
  attributes?: Record<string, unknown> | undefined;
  disabled?: boolean | undefined;
  password?: string | undefined;
  departmentId?: string | null | undefined;
}

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, , , , salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  attributes: Record<string, unknown>;
  disabled: boolean;
  departmentId: string | null;
}

export function publicUser(row: StoredUser): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles,
    attributes: row.attributes,
    disabled: Boolean(row.disabled_at),
    departmentId: row.department_id ?? null,
  };
}

export class AuthService {
  readonly limiter: LoginLimiter;
  /** Sessions authenticated in the last seconds; dropped on every change to who may do what. */
  readonly sessions = new SessionCache();

  constructor(
    private readonly db: Knex,
    private readonly secret: string,
    clock: Clock = databaseClock(),
    limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    this.limiter = new LoginLimiter(db, clock, limits);
  }

  tokenHash(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('hex');
  }

  async createUser(input: {
    username: string;
    password: string;
    displayName?: string | undefined;
    roles?: string[] | undefined;
    attributes?: Record<string, unknown> | undefined;
    departmentId?: string | null | undefined;
  }): Promise<PublicUser> {
    // Names differing only by case are one name (a unique index on lower(username) too, migration 027).
    const taken = await this.byFoldedName(input.username).first('username');
    if (taken) throw usernameTaken(input.username, taken.username);
    const row: StoredUser = {
      id: randomUUID(),
      username: input.username,
      display_name: input.displayName ?? input.username,
      password_hash: await hashPassword(input.password),
      roles: input.roles ?? ['member'],
      attributes: input.attributes ?? {},
      created_at: new Date(),
      disabled_at: null,
      department_id: input.departmentId ?? null,
    };
    try {
      await this.db('users').insert({
        ...row,
        roles: JSON.stringify(row.roles),
        attributes: JSON.stringify(row.attributes),
      });
    } catch (e) {
      // Two creations of one name (in any case) at once: the unique index decides, the loser hears why.
      if ((e as { code?: unknown }).code === '23505') throw usernameTaken(input.username);
      throw e;
    }
    return publicUser(row);
  }

  /**
   * Users by username; `q` finds a part of the username or display name, `departmentId` limits to one
   * department (null: users without one). At most `limit` (the routes bound it).
   */
  async listUsers(
    filter: { q?: string; departmentId?: string | null; limit?: number } = {},
  ): Promise<PublicUser[]> {
    const query = this.db('users').orderBy('username');
    if (filter.q) {
      // LIKE's own wildcards in the search text match themselves.
      const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.whereRaw('(username ILIKE ? OR display_name ILIKE ?)', [pattern, pattern]);
    }
    if (filter.departmentId === null) query.whereNull('department_id');
    else if (filter.departmentId !== undefined) query.where({ department_id: filter.departmentId });
    if (filter.limit !== undefined) query.limit(filter.limit);
    const rows = await query;
    return rows.map(publicUser);
  }

  async user(id: string): Promise<PublicUser> {
    const row = await this.db('users').where({ id }).first();
    if (!row) throw RuntimeError.notFound(`user ${id}`);
    return publicUser(row);
  }

  /**
   * Username and password -> a new session. Attempts are limited per username and per address
   * (LoginLimiter); unknown, disabled and wrong-password logins answer alike, after the same scrypt.
   */
  async login(
    username: string,
    password: string,
    address: string,
  ): Promise<{ token: string; user: PublicUser }> {
    await this.limiter.take(username, address);
    // Whatever the case. A database that held two names differing only by case when migration 027 ran
    // keeps both: each logs in by its exact name.
    const named = await this.byFoldedName(username);
    const row = named.length === 1 ? named[0] : named.find((u) => u.username === username);
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !ok || row.disabled_at) {
      await this.limiter.failed(address);
      throw new RuntimeError('POOL_ERR_UNAUTHENTICATED', WRONG_LOGIN);
    }
    await this.limiter.succeeded(username);
    return { token: await this.openSession(row.id), user: publicUser(row) };
  }

  /** Users whose username is `name` whatever the case of A-Z (the expression of migration 027's index). */
  private byFoldedName(name: string) {
    return this.db('users').whereRaw(`${FOLDED_USERNAME} = lower(?::text COLLATE "C")`, [name]);
  }

  private async openSession(userId: string): Promise<string> {
    // A prefix: base64url may start with "-", which a command line (`poolflow import --token`) would
    // read as an option; it also makes a leaked token easy to find.
    const token = `pf_${randomBytes(32).toString('base64url')}`;
    await this.db('sessions').insert({
      token_hash: this.tokenHash(token),
      user_id: userId,
      expires_at: new Date(Date.now() + SESSION_MS),
    });
    return token;
  }

  /** Ends one session: its token answers 401 from now on. */
  async logout(tokenHash: string): Promise<void> {
    await this.db('sessions').where({ token_hash: tokenHash }).delete();
    this.sessions.clear(); // at once here; other processes hear the trigger's notice
  }

  /** Ends every session of a user but the one given (the caller's own, when they act on themselves). */
  async revokeSessions(userId: string, keepTokenHash?: string): Promise<void> {
    const query = this.db('sessions').where({ user_id: userId });
    if (keepTokenHash) query.whereNot({ token_hash: keepTokenHash });
    await query.delete();
    this.sessions.clear();
  }

  /**
   * A user changes their own password, proving the current one (counted like a login attempt, so a
   * stolen token cannot guess it); every other session of theirs ends, this one keeps working.
   */
  async changePassword(
    userId: string,
    tokenHash: string,
    address: string,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    const row = await this.db('users').where({ id: userId }).first();
    if (!row) throw RuntimeError.notFound(`user ${userId}`);
    await this.limiter.take(row.username, address);
    if (!(await verifyPassword(currentPassword, row.password_hash))) {
      await this.limiter.failed(address);
      throw RuntimeError.invalid(
        '/body/currentPassword',
        'is not your current password',
        'wrong-password',
      );
    }
    await this.limiter.succeeded(row.username);
    await this.db.transaction(async (trx) => {
      await trx('users')
        .where({ id: userId })
        .update({ password_hash: await hashPassword(newPassword) });
      await trx('sessions').where({ user_id: userId }).whereNot({ token_hash: tokenHash }).delete();
    });
    this.sessions.clear();
  }

  /**
   * An admin edits a user. Disabling ends every session at once (and authenticate() refuses a disabled
   * user's tokens); a new password ends the user's sessions but the caller's own.
   */
  async updateUser(
    actor: { id: string; tokenHash: string },
    id: string,
    patch: UserPatch,
  ): Promise<PublicUser> {
    const row = await this.db('users').where({ id }).first();
    if (!row) throw RuntimeError.notFound(`user ${id}`);
    if (id === actor.id && patch.disabled === true)
      throw RuntimeError.invalid(
        '/body/disabled',
        'an admin cannot disable themselves',
        'self-disable',
      );
    if (
      id === actor.id &&
      patch.roles &&
      row.roles.includes('admin') &&
      !patch.roles.includes('admin')
    )
      throw RuntimeError.invalid(
        '/body/roles',
        'an admin cannot remove their own admin role',
        'self-unadmin',
      );
    const changes: Record<string, unknown> = {};
    if (patch.displayName !== undefined) changes['display_name'] = patch.displayName;
    if (patch.roles !== undefined) changes['roles'] = JSON.stringify(patch.roles);
    if (patch.attributes !== undefined) changes['attributes'] = JSON.stringify(patch.attributes);
    if (patch.departmentId !== undefined) changes['department_id'] = patch.departmentId;
    if (patch.disabled !== undefined)
      changes['disabled_at'] = patch.disabled ? (row.disabled_at ?? new Date()) : null;
    if (patch.password !== undefined) changes['password_hash'] = await hashPassword(patch.password);
    const revoke = patch.disabled === true || patch.password !== undefined;
    await this.db.transaction(async (trx) => {
      if (Object.keys(changes).length > 0) await trx('users').where({ id }).update(changes);
      if (revoke) {
        const sessions = trx('sessions').where({ user_id: id });
        if (id === actor.id) sessions.whereNot({ token_hash: actor.tokenHash });
        await sessions.delete();
      }
    });
    this.sessions.clear();
    return this.user(id);
  }

  /** Deletes expired sessions and closed login-attempt windows, in chunks; the purge-sessions job's run. */
  async purgeExpired(
    limits: PurgeLimits = PURGE_LIMITS,
  ): Promise<{ sessions: number; loginAttempts: number }> {
    const sessions = await purgeInChunks(
      this.db,
      'sessions',
      'expires_at <= ?',
      [new Date()],
      limits,
    );
    return { sessions, loginAttempts: await this.limiter.purge(limits) };
  }

  async authenticate(token: string): Promise<Actor | null> {
    const tokenHash = this.tokenHash(token);
    const cached = this.sessions.get(tokenHash);
    if (cached) return cached;
    const row = (await this.db('sessions')
      .join('users', 'users.id', 'sessions.user_id')
      .where('sessions.token_hash', tokenHash)
      .where('sessions.expires_at', '>', new Date())
      .whereNull('users.disabled_at')
      .first(
        'users.*',
        'sessions.expires_at',
        // A department admin is the admin of every pool of their department ('admin' > 'member').
        this.db.raw(
          `(SELECT COALESCE(json_object_agg(k, r), '{}') FROM (
              SELECT k, max(r) AS r FROM (
                SELECT m.pool_key AS k, m.role AS r FROM pool_members m WHERE m.user_id = users.id
                UNION ALL
                SELECT p.key, 'admin' FROM pools p
                WHERE p.department_id = users.department_id
                  AND users.roles @> '["departmentAdmin"]'::jsonb
                  AND NOT users.roles @> '["admin"]'::jsonb
              ) a GROUP BY k) g) AS pool_roles`,
        ),
      )) as (StoredUser & { pool_roles: Record<string, string>; expires_at: Date }) | undefined;
    if (!row) return null;
    const actor: Actor = {
      id: row.id,
      roles: row.roles,
      attributes: row.attributes,
      poolRoles: row.pool_roles,
      departmentId: row.department_id ?? null,
    };
    this.sessions.set(tokenHash, actor, row.expires_at.getTime());
    return actor;
  }

  /** First start: create `admin` with the given password, or a random one returned to print once. */
  async ensureAdmin(
    password: string | undefined,
  ): Promise<{ created: boolean; password?: string }> {
    const any = await this.db('users').first('id');
    if (any) return { created: false };
    if (password !== undefined && password.length < MIN_PASSWORD_LENGTH)
      throw new Error(`the admin password must have at least ${MIN_PASSWORD_LENGTH} characters`);
    const chosen = password ?? randomBytes(12).toString('base64url');
    await this.createUser({
      username: 'admin',
      password: chosen,
      displayName: 'Administrator',
      roles: ['admin'],
    });
    return password ? { created: true } : { created: true, password: chosen };
  }
}
