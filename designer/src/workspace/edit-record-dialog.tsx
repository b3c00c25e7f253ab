// Edits a record's fields (its owner or a manager): the form is the pool's entity schema (@rjsf/core, as
// the event forms); only what changed is sent, a cleared field as null, with the values the form was
// opened on: a field someone else changed meanwhile is refused (409) and said so with its value now,
// and saving again keeps the editor's. A unique field's value (查重) another record holds is refused,
// naming that record. An edit restarts no countdown.
import { useState } from 'react';
import { ApiError } from '../api/client.js';
import { editRecord, type RecordDetail } from '../api/records.api.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog, DialogActions } from '../pages/dialog.js';
import { refusalOf, type Refusal } from './claim-refusal.js';
import { duplicatesOf, DuplicateRefusal, useDuplicateCheck } from './duplicate-refusal.js';
import { valueLabel } from './field-labels.js';
import { FieldsForm } from './fields-form.js';
import { recordTitle } from './record-cells.js';
import { useWorkspace } from './workspace-context.js';

/** The fields whose values differ between `before` and `after`, with their new values (null: cleared). */
export function fieldChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const value = after[field] === undefined || after[field] === '' ? null : after[field];
    const old = before[field] ?? null;
    if (JSON.stringify(old) !== JSON.stringify(value)) changes[field] = value;
  }
  return changes;
}

export function EditRecordDialog(props: {
  record: RecordDetail;
  onClose: () => void;
  onDone: (record: RecordDetail) => void;
}) {
  const { record } = props;
  const i18n = useI18n();
  const { t } = i18n;
  const { pool, policy, words, fieldTitle } = useWorkspace();
  const [formData, setFormData] = useState<Record<string, unknown>>(record.data);
  /** The values the edit is made from: those the form opened on, then those a conflict said are now. */
  const [seen, setSeen] = useState<Record<string, unknown>>(record.data);
  const [error, setError] = useState<Refusal | null>(null);
  const { found: duplicates, setFound: setDuplicates, check } = useDuplicateCheck(record.id);
  const [busy, setBusy] = useState(false);
  const title = recordTitle(record, policy.entity.titleField);

  const save = async (data: Record<string, unknown>) => {
    const changes = fieldChanges(seen, data);
    if (Object.keys(changes).length === 0) return props.onClose();
    setBusy(true);
    setError(null);
    setDuplicates([]);
    const base = Object.fromEntries(Object.keys(changes).map((f) => [f, seen[f] ?? null]));
    try {
      props.onDone(await editRecord(pool.key, record.id, changes, base));
    } catch (e) {
      const changed = conflictsOf(e);
      const taken = duplicatesOf(e);
      if (taken.length > 0) {
        setDuplicates(taken);
      } else if (changed.length > 0) {
        // Saving again keeps the editor's values over those now.
        setSeen({ ...seen, ...Object.fromEntries(changed) });
        const fields = changed
          .map(([f, now]) => `${fieldTitle(f)}: ${now === null ? '—' : valueLabel(now, i18n.lang)}`)
          .join(t('errFieldList'));
        setError({ code: 'POOL_ERR_CONFLICT', text: t('editConflict', { fields }) });
      } else {
        setError(refusalOf(e, i18n, { timeZone: pool.timeZone, words }));
      }
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('editFieldsTitle', { title })} onClose={props.onClose}>
      <div className="schema-form event-form" data-testid="edit-record-form">
        <p className="hint">{t('editNotActivity', words)}</p>
        <FieldsForm
          idPrefix="edit-record"
          formData={formData}
          onChange={setFormData}
          onSubmit={(data) => void save(data)}
          onBlur={(field, value) => void check(field, value)}
        >
          {duplicates.length > 0 && (
            <DuplicateRefusal duplicates={duplicates} testId="edit-record-duplicate" />
          )}
          {error && (
            <div className="alert error" data-testid="edit-record-error" data-code={error.code}>
              {error.text}
            </div>
          )}
          <DialogActions
            cancelLabel={t('cancel')}
            onCancel={props.onClose}
            submitLabel={t('saveFields')}
            testId="edit-record-submit"
            disabled={busy}
          />
        </FieldsForm>
      </div>
    </Dialog>
  );
}

/** The fields a 409 edit conflict names, with their values now (null: absent). */
function conflictsOf(e: unknown): [string, unknown][] {
  if (!(e instanceof ApiError) || e.code !== 'POOL_ERR_CONFLICT' || !Array.isArray(e.details))
    return [];
  return (e.details as { code?: unknown; params?: { field?: unknown; now?: unknown } }[]).flatMap(
    (d) =>
      d.code === 'edit-conflict' && typeof d.params?.field === 'string'
        ? [[d.params.field, d.params.now ?? null] as [string, unknown]]
        : [],
  );
}
