// A new record, from the pool's fields (@rjsf/core, as the edit form): a member's own, or for a manager
// their own or into the pool. The pool's limits apply (a rep at maxOwned is refused, in words), and its
// routing rules may place the record in another pool. A record of the same name that the user can see
// (in the pool, their own; a manager's, any) is shown first, to claim or open instead of a duplicate. A
// unique field's value (查重) any record of the policy holds is refused by the server, naming that record.
import { uniqueValue } from '@poolflow/engine';
import { useState } from 'react';
import {
  createRecord,
  listRecords,
  type PoolRecord,
  type RecordDetail,
} from '../api/records.api.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog, DialogActions } from '../pages/dialog.js';
import { refusalOf, type Refusal } from './claim-refusal.js';
import { duplicatesOf, DuplicateRefusal, useDuplicateCheck } from './duplicate-refusal.js';
import { FieldsForm } from './fields-form.js';
import { RecordLink, recordTitle } from './record-cells.js';
import { useWorkspace } from './workspace-context.js';

export function NewRecordDialog(props: {
  onClose: () => void;
  onDone: (record: RecordDetail) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { pool, policy, me, manager, words, userName } = useWorkspace();

  /** Records named `title` (case, spaces and full-width forms aside) in the views the user has. */
  const sameName = async (title: string): Promise<PoolRecord[]> => {
    const views = manager ? (['all'] as const) : (['pool', 'mine'] as const);
    const key = nameKey(title);
    const q = searchWords(title);
    const pages = await Promise.all(
      views.map((view) => listRecords(pool.key, { view, q, limit: 20 })),
    );
    return pages
      .flatMap((p) => p.items)
      .filter((r) => nameKey(recordTitle(r, policy.entity.titleField)) === key);
  };
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [pooled, setPooled] = useState(false);
  const [error, setError] = useState<Refusal | null>(null);
  /** The fields the server refused as other records' values: "Create anyway" would be refused again. */
  const { found: duplicates, setFound: setDuplicates, check } = useDuplicateCheck();
  const [busy, setBusy] = useState(false);
  /** Records of the name last sent that the user may see (null: none looked for yet). */
  const [same, setSame] = useState<{ title: string; records: PoolRecord[] } | null>(null);

  const create = async (data: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    setDuplicates([]);
    try {
      const title = data[policy.entity.titleField ?? ''];
      // Sent once more with the same name after the warning: created anyway. A unique title (查重) is
      // the server's to check, among all the policy's records: its refusal names the one it found.
      const unique = policy.entity.uniqueFields?.includes(policy.entity.titleField ?? '') ?? false;
      if (!unique && typeof title === 'string' && title.trim() && nameKey(title) !== same?.title) {
        const records = await sameName(title);
        setSame({ title: nameKey(title), records });
        if (records.length > 0) {
          setBusy(false);
          return;
        }
      }
      props.onDone(await createRecord(pool.key, data, pooled ? null : me.id));
    } catch (e) {
      const taken = duplicatesOf(e);
      if (taken.length > 0) setDuplicates(taken);
      else setError(refusalOf(e, i18n, { timeZone: pool.timeZone, words }));
      setBusy(false);
    }
  };
  // Refused as a duplicate, the records of the same name are not offered to create beside.
  const sameShown = same !== null && same.records.length > 0 && duplicates.length === 0;
  return (
    <Dialog title={t('newRecord')} onClose={props.onClose}>
      <div className="schema-form event-form" data-testid="new-record-form">
        <FieldsForm
          idPrefix="new-record"
          formData={formData}
          onChange={setFormData}
          onSubmit={(data) => void create(data)}
          onBlur={(field, value) => void check(field, value)}
        >
          {manager && (
            <label className="form-group new-record-owner">
              <span className="control-label">{t('newRecordOwner')}</span>
              <select
                className="form-control"
                value={pooled ? 'pool' : 'me'}
                onChange={(e) => setPooled(e.target.value === 'pool')}
                data-testid="new-record-owner"
              >
                <option value="me">{t('newRecordMine')}</option>
                <option value="pool">{t('newRecordPooled', words)}</option>
              </select>
            </label>
          )}
          {sameShown && (
            <div className="alert warn" data-testid="new-record-same">
              <p>{t('newRecordSame', words)}</p>
              <ul>
                {same.records.map((r) => (
                  <li key={r.id}>
                    <RecordLink record={r} /> · {r.pooled ? words.poolTitle : userName(r.ownerId)}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {duplicates.length > 0 && (
            <DuplicateRefusal duplicates={duplicates} testId="new-record-duplicate" />
          )}
          {error && (
            <div className="alert error" data-testid="new-record-error" data-code={error.code}>
              {error.text}
            </div>
          )}
          <DialogActions
            cancelLabel={t('cancel')}
            onCancel={props.onClose}
            submitLabel={sameShown ? t('newRecordAnyway') : t('newRecordCreate')}
            testId="new-record-submit"
            disabled={busy}
          />
        </FieldsForm>
      </div>
    </Dialog>
  );
}

/**
 * A name as a duplicate check compares it, as the server compares a unique field's values: full-width
 * forms, case and spaces aside (a blank name is '').
 */
export function nameKey(name: string): string {
  return uniqueValue(name) ?? '';
}

/** The text a list is searched by for a name: its words as the search keeps them (lower case, spaced). */
function searchWords(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}
