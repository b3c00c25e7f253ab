// The list's field filters (`fields=industry:software,level:A`): exact values of the entity fields with
// fixed values, applied by the database. A field without fixed values, a value it does not allow, or a
// field masked from the caller (access.ts: its values must not be found by trying them) is a 400 naming
// `/querystring/fields`.
import type { CompiledPolicy } from '@poolflow/engine';
import type { RecordPageQuery } from '../../repositories/record.repository.js';
import { RuntimeError } from '../../runtime.error.js';
import { likePattern } from './like-pattern.js';

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
    throw RuntimeError.invalid('/querystring/fields', `takes at most ${MAX_FIELD_FILTERS} filters`);
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
      );
    if (masked.includes(field))
      throw RuntimeError.invalid(
        '/querystring/fields',
        `${field} is masked in this view: only the pool's managers and a record's owner filter by it`,
      );
    if (!allowed.includes(value))
      throw RuntimeError.invalid(
        '/querystring/fields',
        `${field} must be one of: ${allowed.join(', ')}`,
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
