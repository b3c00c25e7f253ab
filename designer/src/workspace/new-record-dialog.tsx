// A new record, from the pool's fields (@rjsf/core, as the edit form): a member's own, or for a manager
// their own or into the pool. The pool's limits apply (a rep at maxOwned is refused, in words), and its
// routing rules may place the record in another pool.
import { useState } from 'react';
import { createRecord, type RecordDetail } from '../api/records.api.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog, DialogActions } from '../pages/dialog.js';
import { refusalOf, type Refusal } from './claim-refusal.js';
import { FieldsForm } from './fields-form.js';
import { useWorkspace } from './workspace-context.js';

export function NewRecordDialog(props: {
  onClose: () => void;
  onDone: (record: RecordDetail) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { pool, me, manager, words } = useWorkspace();
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [pooled, setPooled] = useState(false);
  const [error, setError] = useState<Refusal | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (data: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      props.onDone(await createRecord(pool.key, data, pooled ? null : me.id));
    } catch (e) {
      setError(refusalOf(e, i18n, { timeZone: pool.timeZone, words }));
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('newRecord')} onClose={props.onClose}>
      <div className="schema-form event-form" data-testid="new-record-form">
        <FieldsForm
          idPrefix="new-record"
          formData={formData}
          onChange={setFormData}
          onSubmit={(data) => void create(data)}
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
          {error && (
            <div className="alert error" data-testid="new-record-error" data-code={error.code}>
              {error.text}
            </div>
          )}
          <DialogActions
            cancelLabel={t('cancel')}
            onCancel={props.onClose}
            submitLabel={t('newRecordCreate')}
            testId="new-record-submit"
            disabled={busy}
          />
        </FieldsForm>
      </div>
    </Dialog>
  );
}
