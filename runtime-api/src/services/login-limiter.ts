// Login attempts counted per username and per client address in fixed windows, kept in the database so
// every process of one database shares the counts, on the runtime's clock.
import type { Knex } from 'knex';
import { RuntimeError } from '../runtime.error.js';
import type { Clock } from './clock.js';
import { PURGE_LIMITS, purgeInChunks, type PurgeLimits } from './purge.js';

export interface LoginLimits {
  /** Attempts per username per window; a successful login resets the username's count. */
  perUser: number;
  /** Failed attempts per client address per window. */
  perAddress: number;
  /** Length of a window in minutes, counted from the first attempt in it. */
  windowMinutes: number;
}

/** 5 per username and 30 per address per 15 minutes (POOLFLOW_LOGIN_* in server.ts). */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 5, perAddress: 30, windowMinutes: 15 };

export type AttemptKind = 'user' | 'address';

/**
 * The address an attempt is counted against: an IPv4 address as it is (also when IPv4-mapped), an IPv6
 * address by its /64 network, since one host is usually given a whole /64 and could rotate through it.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = [
    ...left,
    ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'),
    ...right,
  ];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The key a username's attempts are counted under: login takes any case of a name, so must the count. */
const userKey = (username: string): string => username.toLowerCase();

interface Counted {
  kind: AttemptKind;
  attempts: number;
  retry_after: number | string;
}

export class LoginLimiter {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    readonly limits: LoginLimits,
  ) {}

  /**
   * Before the password is checked: counts one attempt against the username in one statement, so a
   * burst of parallel guesses at one account cannot all pass a read-then-write check, and refuses an
   * address that has failed too often. The address counts failures only (`failed`): a hundred people
   * behind one office address logging in at nine are not an attack. Throws POOL_ERR_RATE_LIMITED
   * (details.retryAfter in seconds) once either count is past its limit.
   */
  async take(username: string, address: string): Promise<void> {
    const now = this.clock.sql;
    const windowSecs = this.limits.windowMinutes * 60;
    const { rows } = await this.db.raw<{ rows: Counted[] }>(
      `WITH bumped AS (
         INSERT INTO login_attempts AS a (kind, key, window_start, attempts)
         VALUES ('user', ?, ${now}, 1)
         ON CONFLICT (kind, key) DO UPDATE SET
           window_start = CASE WHEN a.window_start <= ${now} - make_interval(secs => ?)
                          THEN ${now} ELSE a.window_start END,
           attempts = CASE WHEN a.window_start <= ${now} - make_interval(secs => ?)
                      THEN 1 ELSE a.attempts + 1 END
         RETURNING kind, attempts, window_start)
       SELECT kind, attempts,
         ceil(extract(epoch FROM window_start + make_interval(secs => ?) - ${now})) AS retry_after
       FROM (SELECT kind, attempts, window_start FROM bumped
             UNION ALL
             SELECT kind, attempts, window_start FROM login_attempts
             WHERE kind = 'address' AND key = ?
               AND window_start > ${now} - make_interval(secs => ?)) c`,
      [userKey(username), windowSecs, windowSecs, windowSecs, addressKey(address), windowSecs],
    );
    const over = rows.filter((r) =>
      r.kind === 'user' ? r.attempts > this.limits.perUser : r.attempts >= this.limits.perAddress,
    );
    if (over.length === 0) return;
    const retryAfter = Math.max(1, ...over.map((r) => Number(r.retry_after)));
    throw new RuntimeError(
      'POOL_ERR_RATE_LIMITED',
      `too many login attempts; try again in ${Math.ceil(retryAfter / 60)} minute(s)`,
      { retryAfter },
    );
  }

  /** After a wrong password (or unknown or disabled user): one more failure for the address. */
  async failed(address: string): Promise<void> {
    const now = this.clock.sql;
    const windowSecs = this.limits.windowMinutes * 60;
    await this.db.raw(
      `INSERT INTO login_attempts AS a (kind, key, window_start, attempts)
       VALUES ('address', ?, ${now}, 1)
       ON CONFLICT (kind, key) DO UPDATE SET
         window_start = CASE WHEN a.window_start <= ${now} - make_interval(secs => ?)
                        THEN ${now} ELSE a.window_start END,
         attempts = CASE WHEN a.window_start <= ${now} - make_interval(secs => ?)
                    THEN 1 ELSE a.attempts + 1 END`,
      [addressKey(address), windowSecs, windowSecs],
    );
  }

  /** After a successful login: the username starts afresh. */
  async succeeded(username: string): Promise<void> {
    await this.db('login_attempts')
      .where({ kind: 'user', key: userKey(username) })
      .delete();
  }

  /** Drops counts whose window has closed, in chunks (purge.ts); returns how many. */
  purge(limits: PurgeLimits = PURGE_LIMITS): Promise<number> {
    return purgeInChunks(
      this.db,
      'login_attempts',
      `window_start <= ${this.clock.sql} - make_interval(secs => ?)`,
      [this.limits.windowMinutes * 60],
      limits,
    );
  }
}
