// The list's field filters (`fields=industry:software,level:A`): exact values of the entity fields with
// fixed values, applied by the database. A field without fixed values, a value it does not allow, or a
// field masked from the caller (access.ts: its values must not be found by trying them) is a 400 naming
// `/querystring/fields`. A state filter names a state of the pool's policy. A publish applies to new
// records: until an upgrade moves them, older records keep their version, so "the pool's policy" is
// every version its running records are on (poolVersions).
import type { CompiledPolicy } from '@poolflow/engine';
import type { FastifyInstance } from 'fastify';
import { maskedInView } from '../../access.js';
import type { Actor } from '../../services/record.service.js';
import type { RecordPageQuery } from '../../repositories/record.repository.js';
import { RuntimeError } from '../../runtime.error.js';
import { likePattern } from './like-pattern.js';

/** The pool's version and those its running records are on (as many as it runs, oldest first). */
export async function poolVersions(
  app: FastifyInstance,
  pool: { key: string; policy_id: string; policy_version: number },
): Promise<CompiledPolicy[]> {
  const live = await app.recordRepository.liveVersions(pool.key);
  const versions = [...new Set([...live, pool.policy_version])].sort((a, b) => a - b);
  return Promise.all(versions.map((v) => app.policies.get(pool.policy_id, v)));
}

/** The fields masked on some record of the pool: a filter by one would find older records by its value. */
export function maskedInAny(versions: readonly CompiledPolicy[]): string[] {
  return [...new Set(versions.flatMap((c) => c.policy.entity.maskedInPool ?? []))];
}

/**
 * A state filter names a state of one of the pool's versions (400 naming `/querystring/state`, code
 * state-not-in-policy: not the engine's unknown-state, which is a problem of a policy, not of a query).
 */
export function assertState(versions: readonly CompiledPolicy[], state: string): void {
  if (versions.some((c) => Object.hasOwn(c.policy.machine.states, state))) return;
  const names = [...new Set(versions.flatMap((c) => Object.keys(c.policy.machine.states)))];
  throw RuntimeError.invalid(
    '/querystring/state',
    `this pool has no state ${state}; its states: ${names.join(', ')}`,
    'state-not-in-policy',
    { state, states: names },
  );
}

/** What a list or an export asks for beyond its view: field filters, a search and a state. */
export interface ListFilterQuery {
  fields?: string | undefined;
  q?: string | undefined;
  state?: string | undefined;
}

/**
 * A list's filters read against the pool's policy, each refused naming its parameter. Fields the caller
 * sees as '***' in this view are no filter (400), and a search matches only the others, so neither finds
 * records by a hidden value.
 */
export async function listFilters(
  app: FastifyInstance,
  actor: Actor,
  poolKey: string,
  view: 'pool' | 'mine' | 'all',
  q: ListFilterQuery,
): Promise<Pick<RecordPageQuery, 'fields' | 'search' | 'state'>> {
  if (!q.fields && !q.q && !q.state) return {};
  const pool = await app.records.pool(poolKey);
  const compiled = await app.policies.get(pool.policy_id, pool.policy_version);
  let versions: Promise<CompiledPolicy[]> | undefined;
  const running = () => (versions ??= poolVersions(app, pool));
  if (q.state) assertState(await running(), q.state);
  const masked = await maskedInView(actor, poolKey, view, async () => maskedInAny(await running()));
  return {
    ...(q.fields ? { fields: parseFieldFilters(compiled, q.fields, masked) } : {}),
    ...(q.q ? { search: searchFilter(compiled, q.q, masked) } : {}),
    ...(q.state ? { state: q.state } : {}),
  };
}

/** Field filters one list takes at most. */
export const MAX_FIELD_FILTERS = 10;

export function parseFieldFilters(
  compiled: CompiledPolicy,
  text: string | undefined,
  masked: readonly string[] = [],
): Record<string, string> {
  if (!text) return {};
  const properties = compiled.policy.entity.schema.properties as Record<
    string,
    { enum?: unknown[] }
  >;
  const filters: Record<string, string> = {};
  const pairs = text.split(',').filter((p) => p !== '');
  if (pairs.length > MAX_FIELD_FILTERS)
    throw RuntimeError.invalid(
      '/querystring/fields',
      `takes at most ${MAX_FIELD_FILTERS} filters`,
      'too-many-filters',
      { limit: MAX_FIELD_FILTERS },
    );
  for (const pair of pairs) {
    const at = pair.indexOf(':');
    const [field, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    const allowed = Object.prototype.hasOwnProperty.call(properties, field)
      ? properties[field]?.enum?.map(String)
      : undefined;
    if (!allowed)
      throw RuntimeError.invalid(
        '/querystring/fields',
        `${field} is not a field with fixed values`,
        'not-filterable',
        { name: field },
      );
    if (masked.includes(field))
      throw RuntimeError.invalid(
        '/querystring/fields',
        `${field} is masked in this view: only the pool's managers and a record's owner filter by it`,
        'field-masked',
        { name: field },
      );
    if (!allowed.includes(value))
      throw RuntimeError.invalid(
        '/querystring/fields',
        `${field} must be one of: ${allowed.join(', ')}`,
        'value-not-allowed',
        { name: field, value, allowed },
      );
    filters[field] = value;
  }
  return filters;
}

/** The list's free-text search (`q`): with fields masked from the caller, only the other fields match. */
export function searchFilter(
  compiled: CompiledPolicy,
  text: string,
  masked: readonly string[] = [],
): NonNullable<RecordPageQuery['search']> {
  const pattern = likePattern(text);
  if (masked.length === 0) return { pattern };
  const fields = Object.keys(compiled.policy.entity.schema.properties);
  return { pattern, fields: fields.filter((f) => !masked.includes(f)) };
}
