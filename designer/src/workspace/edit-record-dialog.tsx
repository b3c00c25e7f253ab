// Edits a record's fields (its owner or a manager): the form is the pool's entity schema (@rjsf/core, as
// the event forms); only what changed is sent, a cleared field as null. An edit restarts no countdown.
import { useState } from 'react';
import { editRecord, type RecordDetail } from '../api/records.api.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog, DialogActions } from '../pages/dialog.js';
import { refusalOf, type Refusal } from './claim-refusal.js';
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
  const { pool, policy, words } = useWorkspace();
  const [formData, setFormData] = useState<Record<string, unknown>>(record.data);
  const [error, setError] = useState<Refusal | null>(null);
  const [busy, setBusy] = useState(false);
  const title = recordTitle(record, policy.entity.titleField);

  const save = async (data: Record<string, unknown>) => {
    const changes = fieldChanges(record.data, data);
    if (Object.keys(changes).length === 0) return props.onClose();
    setBusy(true);
    setError(null);
    try {
      props.onDone(await editRecord(pool.key, record.id, changes));
    } catch (e) {
      setError(refusalOf(e, i18n, { timeZone: pool.timeZone, words }));
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
        >
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
