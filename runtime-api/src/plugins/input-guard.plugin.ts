// Input the database or the validators cannot take is refused as a 400 naming the field: NUL characters
// in paths, query strings, headers and JSON bodies, unpaired UTF-16 surrogates in JSON bodies (PostgreSQL
// refuses both), and JSON nested too deep.
import { Readable } from 'node:stream';
import { escapePointer } from '@poolflow/engine';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { RuntimeError } from '../runtime.error.js';

/** Deepest JSON body accepted; policies nest far less, and recursive code below it stays safe. */
export const MAX_JSON_DEPTH = 128;

/** What makes text unwritable: PostgreSQL refuses U+0000, and `\ud800` alone in JSON (22P02). */
export type TextFault = 'nul-character' | 'unpaired-surrogate';

/** Under the u flag a well-formed pair is one code point: only a lone half matches (!isWellFormed()). */
const UNPAIRED_SURROGATE = /\p{Surrogate}/u;

/** The English words of each fault; the code is for a client's own (README: refusal codes). */
export const TEXT_FAULT_MESSAGES: Record<TextFault, string> = {
  'nul-character': 'must not contain a NUL character',
  'unpaired-surrogate': 'must not contain an unpaired UTF-16 surrogate',
};

function faultOf(text: string): TextFault | null {
  if (text.includes('\0')) return 'nul-character';
  return UNPAIRED_SURROGATE.test(text) ? 'unpaired-surrogate' : null;
}

/** The first string (or key) the database cannot take, as a JSON pointer and its fault, or null. */
export function findBadText(
  value: unknown,
  path: string,
): { path: string; code: TextFault } | null {
  if (typeof value === 'string') {
    const code = faultOf(value);
    return code ? { path, code } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadText(value[i], `${path}/${i}`);
      if (found) return found;
    }
    return null;
  }
  // Depth is bounded by the parser (MAX_JSON_DEPTH).
  for (const [key, item] of Object.entries(value)) {
    const code = faultOf(key);
    if (code) return { path: `${path}/${escapePointer(key)}`, code };
    const found = findBadText(item, `${path}/${escapePointer(key)}`);
    if (found) return found;
  }
  return null;
}

/** The JSON pointer of the first number that is not finite (JSON's 1e999, a coerced "1e999"), or null. */
function findNonFinite(value: unknown, path: string): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (value === null || typeof value !== 'object') return null;
  if (value instanceof Readable) return null; // a streamed body (import) is not walked
  for (const [key, item] of Object.entries(value)) {
    const found = findNonFinite(item, `${path}/${escapePointer(key)}`);
    if (found) return found;
  }
  return null;
}

/** How deep the JSON text nests, counted before parsing (brackets inside strings do not count). */
export function depthOf(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return depth;
}

/** Unwritable text at `path`: the codes the import report gives such a cell (import.service.ts). */
const badTextAt = ({ path, code }: { path: string; code: TextFault }) =>
  RuntimeError.invalid(path, TEXT_FAULT_MESSAGES[code], code);

/**
 * Where JSON.parse gave up, as a 1-based character of the body, when its message says (V8 names a
 * position for most errors, and an unexpected end is at the end); undefined when it does not.
 */
function characterOf(reason: string, text: string): number | undefined {
  const at = /at position (\d+)/.exec(reason);
  if (at) return Number(at[1]) + 1;
  if (reason.startsWith('Unexpected end of JSON input')) return text.length;
  return undefined;
}

/** JSON.parse refusing __proto__ and constructor.prototype keys, as Fastify's own parser does. */
function parseSafely(text: string): unknown {
  const forbidden = (key: string) =>
    RuntimeError.invalid('/body', `has a forbidden ${key} key`, 'forbidden-key', { key });
  return JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__') throw forbidden('__proto__');
    if (
      key === 'constructor' &&
      value !== null &&
      typeof value === 'object' &&
      'prototype' in value
    )
      throw forbidden('constructor.prototype');
    return value;
  });
}

export const inputGuardPlugin = fp(
  (app: FastifyInstance) => {
    // No route takes text: a JSON body sent as text/plain is a 415 naming the header (as any other type
    // is), not Fastify's string body refused as "must be object".
    app.removeContentTypeParser('text/plain');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
      const body = text as string;
      if (body.trim() === '') return done(null, undefined);
      if (depthOf(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
        return done(
          RuntimeError.invalid('/body', `nests deeper than ${MAX_JSON_DEPTH} levels`, 'too-deep', {
            limit: MAX_JSON_DEPTH,
          }),
        );
      let parsed: unknown;
      try {
        parsed = parseSafely(body);
      } catch (e) {
        if (e instanceof RuntimeError) return done(e);
        const reason = (e as Error).message;
        const character = characterOf(reason, body);
        return done(
          RuntimeError.invalid('/body', `is not JSON: ${reason}`, 'body-not-json', {
            reason,
            ...(character === undefined ? {} : { character }),
          }),
        );
      }
      const bad = findBadText(parsed, '/body');
      if (bad) return done(badTextAt(bad));
      done(null, parsed);
    });

    // Before authentication and membership checks, which look the path's pool up in the database.
    app.addHook('onRequest', (request, _reply, done) => {
      if (!request.url.startsWith('/api/')) return done();
      // A URL is UTF-8: a lone surrogate (%ED%A0%80) never decodes into its params or query.
      if (request.url.includes('%00') || request.url.includes('\0')) {
        const bad =
          findBadText(request.params, '/params') ?? findBadText(request.query, '/querystring');
        return done(badTextAt(bad ?? { path: '/url', code: 'nul-character' }));
      }
      for (const [name, value] of Object.entries(request.headers)) {
        const bad = findBadText(value, `/headers/${name}`);
        if (bad) return done(badTextAt({ path: `/headers/${name}`, code: bad.code }));
      }
      done();
    });

    // JSON's 1e999 parses to Infinity and validation coerces a query's "1e999" to it, which passes an
    // integer schema: refused after validation, naming the field. Bodies are at most MAX_JSON_DEPTH deep.
    app.addHook('preHandler', (request, _reply, done) => {
      for (const [part, values] of [
        ['querystring', request.query],
        ['params', request.params],
        ['body', request.body],
      ] as const) {
        const found = findNonFinite(values, `/${part}`);
        if (found)
          return done(RuntimeError.invalid(found, 'must be a finite number', 'not-finite'));
      }
      done();
    });
  },
  { name: 'input-guard' },
);
