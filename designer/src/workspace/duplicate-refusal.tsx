// A new record or an edit refused for a unique field's value (查重) another record of the policy holds
// (409 POOL_ERR_DUPLICATE): each field taken, whose record holds it, and a link to open that record.
import { uniqueValue } from '@poolflow/engine';
import { useRef, useState } from 'react';
import { ApiError } from '../api/client.js';
import { findDuplicates } from '../api/records.api.js';
import { useI18n } from '../i18n/i18n.js';
import { RecordIdLink } from './record-cells.js';
import { useWorkspace } from './workspace-context.js';

/** A field whose value another record holds: that record, its pool and owner (null: in the pool). */
export interface Duplicate {
  field: string;
  recordId: string;
  pool: string;
  ownerId: string | null;
}

/** The fields a 409 POOL_ERR_DUPLICATE names, with the records holding their values (none: not one). */
export function duplicatesOf(e: unknown): Duplicate[] {
  if (!(e instanceof ApiError) || e.code !== 'POOL_ERR_DUPLICATE' || !Array.isArray(e.details))
    return [];
  return (e.details as { code?: unknown; params?: Record<string, unknown> }[]).flatMap((d) => {
    const { field, recordId, pool, ownerId } = d.params ?? {};
    if (d.code !== 'duplicate' || typeof field !== 'string' || typeof recordId !== 'string')
      return [];
    if (typeof pool !== 'string') return [];
    return [{ field, recordId, pool, ownerId: typeof ownerId === 'string' ? ownerId : null }];
  });
}

/**
 * 查重 as a form is filled: when a unique field is left with a value, the records that have it (other
 * than `recordId`, an edit's own) are found at once, before the form is sent. `found` also takes a
 * refusal's duplicates; a field whose check fails keeps what it showed (the write still decides).
 */
export function useDuplicateCheck(recordId?: string) {
  const { pool, policy } = useWorkspace();
  const [found, setFound] = useState<Duplicate[]>([]);
  /** The latest check per field: an older answer arriving late is dropped. */
  const latest = useRef(new Map<string, number>());
  const check = async (field: string, value: unknown): Promise<void> => {
    if (!(policy.entity.uniqueFields ?? []).includes(field)) return;
    const n = (latest.current.get(field) ?? 0) + 1;
    latest.current.set(field, n);
    let items: Duplicate[] = [];
    if (uniqueValue(value) !== null) {
      try {
        const reply = await findDuplicates(pool.key, { [field]: value }, recordId);
        items = reply.items.filter((d) => d.field === field);
      } catch {
        return;
      }
    }
    if (latest.current.get(field) !== n) return;
    setFound((now) => [...now.filter((d) => d.field !== field), ...items]);
  };
  return { found, setFound, check };
}

export function DuplicateRefusal(props: { duplicates: Duplicate[]; testId: string }) {
  const { t, lang } = useI18n();
  const { me, pool, policy, words, fieldTitle, refusalNames } = useWorkspace();
  /** The refusal of one field: whose the record is, as far as the pool's members say. */
  const text = (d: Duplicate): string => {
    const poolName = refusalNames.poolName?.(d.pool) ?? d.pool;
    const vars = {
      ...words,
      field: fieldTitle(d.field),
      // The pool is named only when it is another one of the policy's.
      where: d.pool === pool.key ? '' : t('duplicateWhere', { poolName }),
    };
    if (d.ownerId === null) return t('duplicatePooled', vars);
    if (d.ownerId === me.id) return t('duplicateYours', vars);
    const owner = policy.members.find((m) => m.userId === d.ownerId);
    if (!owner) return t('duplicateSomeone', vars);
    return t('duplicateOwned', { ...vars, user: owner.displayName || owner.username });
  };
  return (
    <div className="alert error" data-testid={props.testId} data-code="POOL_ERR_DUPLICATE">
      <ul>
        {props.duplicates.map((d) => (
          <li key={d.field} data-field={d.field}>
            {text(d)}
            {lang === 'zh' ? '' : ' '}
            <RecordIdLink
              recordId={d.recordId}
              pool={d.pool}
              title={t('duplicateOpen')}
              testId="duplicate-record"
            />
          </li>
        ))}
      </ul>
    </div>
  );
}
