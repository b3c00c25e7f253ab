// Unique fields (查重): the values a policy's `entity.uniqueFields` keep distinct across the records of
// its pools, compared as a rep would: full-width forms, case and spaces aside ("ＡＣＭＥ Trading" and
// "acme trading" are one customer, as are "138 0000 0000" and "13800000000").

/** Fields a policy may keep unique (the schema's `maxItems`). */
export const MAX_UNIQUE_FIELDS = 5;

/** Entity field types a unique field may have: values that read the same when written as text. */
export const UNIQUE_FIELD_TYPES: readonly string[] = ['string', 'integer', 'number'];

/** One unique value of a record: the field and its value as compared. */
export interface UniqueKey {
  field: string;
  value: string;
}

/**
 * The value a unique field is compared by: Unicode NFKC (full-width forms as their ASCII), lower case,
 * without whitespace; null for an absent, blank or non-scalar value (no key: blanks never collide).
 */
export function uniqueValue(value: unknown): string | null {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return null;
  const compared = text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  return compared === '' ? null : compared;
}

/** The unique keys of a record's fields under a policy's `entity.uniqueFields`, in the policy's order. */
export function uniqueKeys(
  uniqueFields: readonly string[] | undefined,
  entity: unknown,
): UniqueKey[] {
  if (!uniqueFields || uniqueFields.length === 0) return [];
  if (entity === null || typeof entity !== 'object') return [];
  const keys: UniqueKey[] = [];
  for (const field of uniqueFields) {
    if (!Object.prototype.hasOwnProperty.call(entity, field)) continue;
    const value = uniqueValue((entity as Record<string, unknown>)[field]);
    if (value !== null) keys.push({ field, value });
  }
  return keys;
}
