// What the logs may carry: request lines without their query string, errors without the values of SQL.
import type { FastifyRequest, FastifyServerOptions } from 'fastify';

type LoggerOption = NonNullable<FastifyServerOptions['logger']>;

/** The request line without its query string: searches and filters carry names and phone numbers. */
export function requestLine(req: FastifyRequest): Record<string, unknown> {
  const query = req.url.indexOf('?');
  return {
    method: req.method,
    url: query === -1 ? req.url : req.url.slice(0, query),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

type ErrorFields = Error & Record<string, unknown>;

// Fields of a PostgreSQL error (pg and PGlite) that name things, never values. `detail` ("Key
// (phone)=(+1 555 0100) already exists", "Failing row contains (…)"), `where`, `internalQuery`, and the
// query and params PGlite attaches, carry values and are left out.
const DATABASE_FIELDS = ['severity', 'table', 'column', 'constraint', 'dataType', 'routine'];

function isDatabaseError(e: ErrorFields): boolean {
  return typeof e['code'] === 'string' && /^[0-9A-Z]{5}$/.test(e['code']) && 'routine' in e;
}

/**
 * A PostgreSQL message without values: quoted text ("+1 555 0100", literals) is elided, and knex's
 * "<sql> - " prefix dropped. Names it elides are logged from their own fields (table, constraint).
 */
export function databaseMessage(message: string): string {
  const elided = message.replace(/"[^"]*"|'[^']*'/g, '"…"');
  const prefix = elided.lastIndexOf(' - ');
  return prefix === -1 ? elided : elided.slice(prefix + 3);
}

interface LoggedError {
  [field: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

/** An error as logged: class, code, message and stack; database errors without their values. */
export function safeError(err: unknown, depth = 0): LoggedError {
  if (!(err instanceof Error)) return { type: typeof err, message: '', stack: '' };
  const e = err as ErrorFields;
  const logged: LoggedError = { type: e.constructor.name, message: '', stack: '' };
  if (e['code'] !== undefined) logged['code'] = e['code'];
  if (typeof e['statusCode'] === 'number') logged['statusCode'] = e['statusCode'];
  if (isDatabaseError(e)) {
    logged['message'] = databaseMessage(e.message);
    for (const field of DATABASE_FIELDS) if (e[field] !== undefined) logged[field] = e[field];
    // The stack's first line is the message as the driver built it, values and all.
    logged['stack'] = (e.stack ?? '')
      .split('\n')
      .filter((line) => line.startsWith('    at '))
      .join('\n');
  } else {
    logged['message'] = e.message;
    logged['stack'] = e.stack ?? '';
  }
  if (e.cause !== undefined && depth < 3) logged['cause'] = safeError(e.cause, depth + 1);
  return logged;
}

/** The app's logger options with these serializers (Fastify's `logger: true | options | false`). */
export function withSafeSerializers(logger: LoggerOption): LoggerOption {
  if (!logger) return false;
  const options = logger === true ? {} : logger;
  return {
    ...options,
    // `error` too: a log call that names its error so gets the same treatment as Fastify's `err`.
    serializers: {
      ...options.serializers,
      req: requestLine,
      err: (e: Error) => safeError(e),
      error: (e: unknown) => safeError(e),
    },
  };
}
