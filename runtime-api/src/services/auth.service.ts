// Users and sessions: scrypt password hashes, random bearer tokens stored only as HMACs.
import { createHmac, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { UserRow } from '../db/rows.js';
import { RuntimeError } from '../runtime.error.js';
import type { Actor } from './record.service.js';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };
const SESSION_MS = 12 * 3600_000;

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
}

export function publicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles,
    attributes: row.attributes,
  };
}

export class AuthService {
  constructor(
    private readonly db: Knex,
    private readonly secret: string,
  ) {}

  tokenHash(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('hex');
  }

  async createUser(input: {
    username: string;
    password: string;
    displayName?: string | undefined;
    roles?: string[] | undefined;
    attributes?: Record<string, unknown> | undefined;
  }): Promise<PublicUser> {
    const existing = (await this.db('users')
      .where({ username: input.username })
      .first('id')) as unknown;
    if (existing) throw RuntimeError.invalid('/username', `username ${input.username} is taken`);
    const row: UserRow = {
      id: randomUUID(),
      username: input.username,
      display_name: input.displayName ?? input.username,
      password_hash: await hashPassword(input.password),
      roles: input.roles ?? ['member'],
      attributes: input.attributes ?? {},
      created_at: new Date(),
    };
    try {
      await this.db('users').insert({
        ...row,
        roles: JSON.stringify(row.roles),
        attributes: JSON.stringify(row.attributes),
      });
    } catch (e) {
      // Two creations of one name at once: the unique index decides, the loser hears why.
      if ((e as { code?: unknown }).code === '23505')
        throw RuntimeError.invalid('/username', `username ${input.username} is taken`);
      throw e;
    }
    return publicUser(row);
  }

  async listUsers(): Promise<PublicUser[]> {
    const rows = (await this.db('users').orderBy('username')) as UserRow[];
    return rows.map(publicUser);
  }

  async user(id: string): Promise<PublicUser> {
    const row = (await this.db('users').where({ id }).first()) as UserRow | undefined;
    if (!row) throw RuntimeError.notFound(`user ${id}`);
    return publicUser(row);
  }

  async login(username: string, password: string): Promise<{ token: string; user: PublicUser }> {
    const row = (await this.db('users').where({ username }).first()) as UserRow | undefined;
    // Hash even for unknown users, so timing does not tell which usernames exist.
    const ok = await verifyPassword(password, row?.password_hash ?? 'scrypt$0$0$0$AAAA$AAAA');
    if (!row || !ok)
      throw new RuntimeError('POOL_ERR_UNAUTHENTICATED', 'wrong username or password');
    // A prefix: base64url may start with "-", which a command line (`poolflow import --token`) would
    // read as an option; it also makes a leaked token easy to find.
    const token = `pf_${randomBytes(32).toString('base64url')}`;
    await this.db('sessions').insert({
      token_hash: this.tokenHash(token),
      user_id: row.id,
      expires_at: new Date(Date.now() + SESSION_MS),
    });
    return { token, user: publicUser(row) };
  }

  async authenticate(token: string): Promise<Actor | null> {
    const row = (await this.db('sessions')
      .join('users', 'users.id', 'sessions.user_id')
      .where('sessions.token_hash', this.tokenHash(token))
      .where('sessions.expires_at', '>', new Date())
      .first(
        'users.*',
        this.db.raw(
          `(SELECT COALESCE(json_object_agg(m.pool_key, m.role), '{}') FROM pool_members m
            WHERE m.user_id = users.id) AS pool_roles`,
        ),
      )) as (UserRow & { pool_roles: Record<string, string> }) | undefined;
    if (!row) return null;
    return {
      id: row.id,
      roles: row.roles,
      attributes: row.attributes,
      poolRoles: row.pool_roles,
    };
  }

  /** First start: create `admin` with the given password, or a random one returned to print once. */
  async ensureAdmin(
    password: string | undefined,
  ): Promise<{ created: boolean; password?: string }> {
    const any = (await this.db('users').first('id')) as unknown;
    if (any) return { created: false };
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
