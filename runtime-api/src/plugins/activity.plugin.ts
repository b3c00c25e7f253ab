// The activity log: every successful request of an operation the contract marks `activity`
// (schemas/api-operations.json: users and roles, departments, policies, pools, members, routing,
// rollouts, imports, exports, backups, …) writes who did what to what. It is written before the response
// leaves, so the log shows a change as soon as its caller knows of it; a failed write is logged, tried
// again without the request's details, and the response goes out all the same (the change itself has
// committed). Record events are not logged here: each record's history has them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Readable } from 'node:stream';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The activity-log action of the route's operation (api-contract.ts sets it from the contract). */
    activity?: string;
  }
}

/** Bodies longer than this (as JSON) are logged as their size: a policy document, an import. */
export const ACTIVITY_BODY_CHARS = 4000;

const SECRET_FIELD = /password|secret|token/i;

/** The request's own words, without secrets, bounded. */
export function activityDetails(request: FastifyRequest): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  const params = request.params as Record<string, string> | undefined;
  if (params && Object.keys(params).length > 0) details['params'] = params;
  const query = request.query as Record<string, unknown> | undefined;
  if (query && Object.keys(query).length > 0) details['query'] = query;
  const body = request.body;
  // A body read as a stream (an import: its spooled file) or not read: its size (the spool counted
  // it; a chunked body has no content-length), never the stream object (its file descriptor and
  // temporary path).
  const streamed =
    typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function';
  if (body === undefined || body === null || streamed) {
    const bytes = request.importBody?.bytes ?? Number(request.headers['content-length']);
    if (Number.isFinite(bytes)) details['body'] = { bytes };
  } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
    details['body'] = { bytes: Buffer.byteLength(body) };
  } else if (typeof body === 'object' && !Array.isArray(body)) {
    const shown = Object.fromEntries(
      Object.entries(body).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '***' : v]),
    );
    const text = JSON.stringify(shown);
    details['body'] = text.length > ACTIVITY_BODY_CHARS ? { chars: text.length } : shown;
  }
  return details;
}

/** What the request acted on: the pool or the id in its path, else the id or key it created. */
function targetOf(request: FastifyRequest, payload: unknown): string | null {
  const params = (request.params ?? {}) as Record<string, string>;
  const fromPath = params['pool'] ?? params['id'];
  if (fromPath !== undefined) return fromPath;
  if (typeof payload !== 'string') return null;
  try {
    const reply = JSON.parse(payload) as { id?: unknown; key?: unknown };
    const created = reply.id ?? reply.key;
    return typeof created === 'string' ? created : null;
  } catch {
    return null;
  }
}

export const activityPlugin = fp(
  (app: FastifyInstance) => {
    app.addHook(
      'onSend',
      async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        const action = request.routeOptions.config.activity;
        if (!action || reply.statusCode >= 400 || !request.actor) return payload;
        // A replayed response (Idempotency-Key) was logged when it first ran; a dry run changes nothing.
        if (reply.getHeader('idempotent-replayed') !== undefined) return payload;
        if ((request.body as { dryRun?: unknown } | undefined)?.dryRun === true) return payload;
        // Dated by the runtime's clock in the insert itself: one statement, not a clock query first.
        const entry = { actor_id: request.actor.id, action, target: targetOf(request, payload) };
        try {
          await app.activityRepository.insert({ ...entry, details: activityDetails(request) });
        } catch (error) {
          // The change has committed: who did it must still show, if not with what (the request's
          // text is what the database is likeliest to have refused).
          const { method, routeOptions } = request;
          const where = { action, actor: entry.actor_id, method, route: routeOptions.url };
          request.log.error({ err: error, ...where }, 'activity log entry written without details');
          try {
            await app.activityRepository.insert({ ...entry, details: { unwritable: true } });
          } catch (again) {
            request.log.error({ err: again, ...where }, 'activity log entry not written');
          }
        }
        return payload;
      },
    );
    return Promise.resolve();
  },
  { name: 'activity', dependencies: ['services', 'activity-repository'] },
);
