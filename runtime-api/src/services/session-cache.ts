// Sessions this process has authenticated, kept for a few seconds so a request costs no session query.
// Every change that can end a session or change what it may do (sessions deleted, users, pool members,
// pools) fires NOTIFY poolflow_auth from a trigger (auth-notify-migration.ts); each process LISTENs and
// drops its cache at once. While it cannot listen, it caches nothing: a session is never trusted longer
// than the database would trust it.
import pg from 'pg';
import type { Knex } from 'knex';
import type { Actor } from './record.service.js';

/** How long a session is trusted without asking the database (also capped by the session's expiry). */
export const SESSION_CACHE_MS = 5_000;
/** Sessions cached at once; the oldest goes first. */
export const SESSION_CACHE_MAX = 10_000;
/** Wait before listening again after the listening connection failed. */
const RELISTEN_MS = 1_000;
export const AUTH_CHANNEL = 'poolflow_auth';
/** Statements (as knex writes them) that change sessions, users, pool roles or departments. */
const AUTH_WRITE =
  /^\s*(?:update|delete from)\s+"?(?:sessions|users|pool_members|pools|departments)\b|^\s*insert into\s+"?(?:pool_members|pools)\b/i;

interface Entry {
  actor: Actor;
  until: number;
}

export class SessionCache {
  readonly #entries = new Map<string, Entry>();
  #listening = false;
  #stop: (() => Promise<void>) | undefined;
  #closed = false;

  constructor(
    private readonly ttlMs = SESSION_CACHE_MS,
    private readonly maxEntries = SESSION_CACHE_MAX,
  ) {}

  /** Whether changes are heard (only then is anything cached). */
  get listening(): boolean {
    return this.#listening;
  }

  get(tokenHash: string, now = Date.now()): Actor | undefined {
    const entry = this.#entries.get(tokenHash);
    if (!entry) return undefined;
    if (!this.#listening || entry.until <= now) {
      this.#entries.delete(tokenHash);
      return undefined;
    }
    return entry.actor;
  }

  set(tokenHash: string, actor: Actor, expiresAt: number, now = Date.now()): void {
    if (!this.#listening) return;
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(tokenHash, { actor, until: Math.min(now + this.ttlMs, expiresAt) });
  }

  /** Forgets every session (a change was made or heard). */
  clear(): void {
    this.#entries.clear();
  }

  /**
   * Starts listening for changes: on PostgreSQL on a connection of its own (reopened after a failure),
   * on PGlite on the one embedded database (the only process that can open it).
   */
  async listen(db: Knex, databaseUrl: string | undefined): Promise<void> {
    // This process's own changes clear the cache as soon as their statement is done, before any notice
    // could arrive: a request that follows a change in the same process sees it.
    db.on('query-response', (_response: unknown, query: { sql?: string }) => {
      if (typeof query.sql === 'string' && AUTH_WRITE.test(query.sql)) this.clear();
    });
    if (databaseUrl) await this.#listenPostgres(databaseUrl);
    else await this.#listenPglite(db);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listening = false;
    this.clear();
    await this.#stop?.();
  }

  async #listenPglite(db: Knex): Promise<void> {
    const pglite = (db.client as { pglite?: PgliteListener }).pglite;
    if (!pglite) return;
    const unsubscribe = await pglite.listen(AUTH_CHANNEL, () => this.clear());
    this.#listening = true;
    this.#stop = unsubscribe;
  }

  async #listenPostgres(databaseUrl: string): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: databaseUrl });
    const retry = () => {
      if (this.#closed) return;
      setTimeout(() => void this.#listenPostgres(databaseUrl), RELISTEN_MS).unref();
    };
    let live = false;
    const lost = () => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      if (!live) return;
      live = false;
      this.#listening = false;
      this.#stop = undefined;
      this.clear();
      retry();
    };
    client.on('error', lost);
    try {
      await client.connect();
      client.on('notification', () => this.clear());
      client.on('end', lost);
      await client.query(`LISTEN ${AUTH_CHANNEL}`);
    } catch {
      lost();
      retry();
      return;
    }
    if (this.#closed) return lost();
    live = true;
    this.clear();
    this.#listening = true;
    this.#stop = async () => {
      live = false;
      this.#listening = false;
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    };
  }
}

interface PgliteListener {
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}
