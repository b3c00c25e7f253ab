// Idempotency-Key on mutating /api calls: the first response is stored per (user, key) and replayed.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import { RuntimeError } from '../runtime.error.js';
import { PURGE_LIMITS, purgeInChunks, type PurgeLimits } from '../services/purge.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when this request holds an idempotency placeholder that its response must fill. */
    idempotency: { key: string; hash: string; owned: boolean } | null;
    /** SHA-256 of a body the route streams (import), set while it reads it: hashed instead of the stream. */
    bodyDigest: string | null;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const HEADER = 'idempotency-key';
/** Status of a placeholder whose request is still running. */
const IN_PROGRESS = 0;
/** A placeholder this old belongs to a request that died (process crash); a retry may take it over. */
const ABANDONED_AFTER = "interval '5 minutes'";
/** Stored responses are kept this long (by default): a retry within it is replayed, after it runs anew. */
export const DEFAULT_KEY_HOURS = 24;
const headerSchema = { type: 'string', minLength: 1, maxLength: 200 };

interface StoredRow {
  request_hash: string;
  status: number;
  response: { contentType: string | null; body: string } | null;
}

/** JSON with object keys sorted at every level, so key order does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? '';
}

export function requestHash(method: string, url: string, body: unknown): string {
  const hash = createHash('sha256').update(`${method} ${url}\n`);
  if (Buffer.isBuffer(body)) hash.update(body);
  else hash.update(typeof body === 'string' ? body : canonicalJson(body));
  return hash.digest('hex');
}

function applies(method: string, url: string, isPublic: boolean | undefined): boolean {
  return MUTATING.has(method) && url.startsWith('/api/') && !isPublic;
}

/**
 * Deletes stored responses older than `hours` on the runtime's clock, in chunks (purge.ts); returns how
 * many. Every process runs it now and then (the purge-idempotency job); keys also expire on use, so a late
 * purge never replays an old one.
 */
export function purgeExpiredKeys(
  app: Pick<FastifyInstance, 'db' | 'clock'>,
  hours: number,
  limits: PurgeLimits = PURGE_LIMITS,
): Promise<number> {
  return purgeInChunks(
    app.db,
    'idempotency',
    `created_at < ${app.clock.sql} - make_interval(hours => ?)`,
    [hours],
    limits,
  );
}

function expiry(app: Pick<FastifyInstance, 'db' | 'clock'>, hours: number): Knex.Raw {
  return app.db.raw(`${app.clock.sql} - make_interval(hours => ?)`, [hours]);
}

export interface IdempotencyOptions {
  /** How long a key's response is replayed (hours); POOLFLOW_IDEMPOTENCY_HOURS in server.ts. */
  keyHours?: number;
}

export const idempotencyPlugin = fp(
  (app: FastifyInstance, options: IdempotencyOptions) => {
    const keyHours = options.keyHours ?? DEFAULT_KEY_HOURS;
    const now = (): Knex.Raw => app.db.raw(app.clock.sql);
    app.decorateRequest('idempotency', null);
    app.decorateRequest('bodyDigest', null);

    // Document (and validate) the header on every route it applies to.
    app.addHook('onRoute', (route: RouteOptions) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (!methods.some((m) => applies(m, route.url, route.config?.public))) return;
      const schema = (route.schema ??= {}) as { headers?: Record<string, unknown> };
      schema.headers ??= { type: 'object', properties: { [HEADER]: headerSchema } };
    });

    // Hashed before validation, which may coerce or fill defaults into the body.
    app.addHook('preValidation', (request, _reply, done) => {
      const key = request.headers[HEADER];
      if (typeof key !== 'string' || !request.actor) return done();
      // The matched route, not the raw URL (see isApiRoute).
      const route = request.routeOptions.url ?? '';
      if (!applies(request.method, route, request.routeOptions.config.public)) return done();
      if (key.length < 1 || key.length > 200)
        return done(
          RuntimeError.invalid(`/headers/${HEADER}`, 'must be 1 to 200 characters', 'key-length', {
            min: 1,
            max: 200,
            length: key.length,
          }),
        );
      let body: unknown = request.body;
      if (request.bodyDigest !== null) body = `sha256:${request.bodyDigest}`;
      else if (body instanceof Readable)
        // A stream nobody read has no content to compare: refused rather than hashed as an object.
        return done(RuntimeError.invalid(`/headers/${HEADER}`, 'is not supported on this route'));
      const hash = requestHash(request.method, request.url, body);
      request.idempotency = { key, hash, owned: false };
      done();
    });

    // After validation: a request refused for its body never takes the key.
    app.addHook('preHandler', async (request, reply) => {
      const idem = request.idempotency;
      if (!idem) return;
      const where = { user_id: request.actor.id, key: idem.key };
      for (let attempt = 0; attempt < 3; attempt++) {
        const inserted = await app
          .db('idempotency')
          .insert({
            ...where,
            request_hash: idem.hash,
            status: IN_PROGRESS,
            response: 'null',
            created_at: now(),
          })
          .onConflict(['user_id', 'key'])
          .ignore()
          .returning('key');
        if (inserted.length > 0) {
          idem.owned = true;
          return;
        }
        // An expired key is free again: its stored response is dropped and this request runs.
        const expired = await app
          .db('idempotency')
          .where(where)
          .where('created_at', '<', expiry(app, keyHours))
          .delete()
          .returning('key');
        if (expired.length > 0) continue;
        const row = await app.db('idempotency').where(where).first();
        if (!row) continue; // its request failed with a 5xx and let the key go: try again
        if (row.request_hash !== idem.hash) {
          throw new RuntimeError(
            'POOL_ERR_IDEMPOTENCY_MISMATCH',
            `Idempotency-Key ${idem.key} was used for a different request`,
            [{ path: `/headers/${HEADER}`, message: 'was used for a different request' }],
          );
        }
        if (row.status === IN_PROGRESS) {
          const taken = await app
            .db('idempotency')
            .where({ ...where, status: IN_PROGRESS })
            .where('created_at', '<', app.db.raw(`${app.clock.sql} - ${ABANDONED_AFTER}`))
            .update({ created_at: now() })
            .returning('key');
          if (taken.length > 0) {
            idem.owned = true;
            return;
          }
          throw new RuntimeError(
            'POOL_ERR_IDEMPOTENCY_IN_PROGRESS',
            `a request with Idempotency-Key ${idem.key} is still running; retry later`,
          );
        }
        return replay(reply, row);
      }
      throw new RuntimeError(
        'POOL_ERR_IDEMPOTENCY_IN_PROGRESS',
        `Idempotency-Key ${idem.key} is busy`,
      );
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const idem = request.idempotency;
      if (!idem?.owned) return payload;
      idem.owned = false;
      const where = { user_id: request.actor.id, key: idem.key, status: IN_PROGRESS };
      try {
        const body =
          typeof payload === 'string'
            ? payload
            : Buffer.isBuffer(payload)
              ? payload.toString('utf8')
              : null;
        // 5xx (and unreplayable streams) release the key, so a retry runs the request again.
        if (reply.statusCode >= 500 || body === null) {
          await app.db('idempotency').where(where).delete();
        } else {
          const contentType = reply.getHeader('content-type');
          await app
            .db('idempotency')
            .where(where)
            .update({
              status: reply.statusCode,
              response: JSON.stringify({
                contentType: typeof contentType === 'string' ? contentType : null,
                body,
              }),
            });
        }
      } catch (e) {
        // The request itself is done; a lost record only makes a retry wait for the takeover.
        request.log.error({ err: e }, 'storing the idempotent response failed');
      }
      return payload;
    });
  },
  { name: 'idempotency', dependencies: ['services', 'auth'] },
);

function replay(reply: FastifyReply, row: StoredRow): FastifyReply {
  const stored = row.response ?? { contentType: null, body: '' };
  reply.status(row.status).header('idempotent-replayed', 'true');
  if (stored.contentType) reply.type(stored.contentType);
  return reply.send(stored.body);
}
