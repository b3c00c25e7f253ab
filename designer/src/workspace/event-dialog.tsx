// Sends one event to a record: its payload form is rendered from the policy's JSON Schema (@rjsf/core,
// as in the designer's inspector); events without a payload ask for a confirmation.
import Form from '@rjsf/core';
import type { UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useMemo, useState } from 'react';
import { sendEvent, type PoolRecord, type RecordDetail } from '../api/records.api.js';
import { plainFormErrors } from '../i18n/form-errors.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog, DialogActions } from '../pages/dialog.js';
import { refusalOf, type Refusal } from './claim-refusal.js';
import { blockedChannels, NextContact } from './contact-limit.js';
import { localizeForm } from './field-labels.js';
import { recordTitle } from './record-cells.js';
import { useWorkspace } from './workspace-context.js';

/** RELEASE needs a reason even when a policy declares no payload for it (the API asks for one). */
const RELEASE_REASON = {
  type: 'object',
  required: ['reason'],
  properties: { reason: { type: 'string', title: 'Reason', minLength: 1, maxLength: 500 } },
};

export function payloadSchemaOf(
  events: Record<string, { payload?: Record<string, unknown> }>,
  type: string,
): Record<string, unknown> | null {
  return events[type]?.payload ?? (type === 'RELEASE' ? RELEASE_REASON : null);
}

export function EventDialog(props: {
  record: PoolRecord & Pick<RecordDetail, 'nextContactAt'>;
  type: string;
  onClose: () => void;
  onDone: (record: RecordDetail) => void;
}) {
  const { record, type } = props;
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { pool, policy, now, eventLabel, words } = useWorkspace();
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [error, setError] = useState<Refusal | null>(null);
  const [busy, setBusy] = useState(false);
  const schema = payloadSchemaOf(policy.events, type);
  const form = useMemo(() => (schema ? localizeForm(schema, lang) : null), [schema, lang]);
  const title = `${eventLabel(type)} · ${recordTitle(record, policy.entity.titleField)}`;

  const send = async (payload: Record<string, unknown> | undefined) => {
    setBusy(true);
    setError(null);
    try {
      props.onDone(await sendEvent(pool.key, record.id, type, payload));
    } catch (e) {
      setError(refusalOf(e, i18n, { timeZone: pool.timeZone, words }));
      setBusy(false);
    }
  };
  // The chosen channel's contact limit is reached: say so before the server refuses (once it has,
  // its refusal says the same).
  const blocked =
    error?.code === 'POOL_ERR_CONTACT_LIMIT'
      ? []
      : blockedChannels(record, now()).filter((b) => b.channel === formData['channel']);
  const problems = (
    <>
      {blocked.length > 0 && (
        <div className="alert warn">
          <NextContact blocked={blocked} />
        </div>
      )}
      {error && (
        <div
          className="alert error"
          data-testid="event-error"
          data-code={error.code}
          data-until={error.until}
        >
          {error.text}
        </div>
      )}
    </>
  );
  const actions = (
    <DialogActions
      cancelLabel={t('cancel')}
      onCancel={props.onClose}
      submitLabel={eventLabel(type)}
      testId="event-submit"
      disabled={busy}
      onSubmit={form ? undefined : () => void send(undefined)}
    />
  );
  return (
    <Dialog title={title} onClose={props.onClose}>
      <div className="schema-form event-form" data-testid={`event-form-${type}`}>
        {form ? (
          <Form
            schema={form.schema}
            uiSchema={form.uiSchema as UiSchema}
            formData={formData}
            validator={validator}
            idPrefix={`event-${type}`}
            showErrorList={false}
            noHtml5Validate
            onChange={(e) => setFormData((e.formData ?? {}) as Record<string, unknown>)}
            // Field errors show under the fields; nothing to log.
            onError={() => undefined}
            transformErrors={plainFormErrors(t)}
            onSubmit={(e) => void send((e.formData ?? {}) as Record<string, unknown>)}
          >
            {problems}
            {actions}
          </Form>
        ) : (
          <>
            <p>{t('confirmEvent', { event: eventLabel(type) })}</p>
            {problems}
            {actions}
          </>
        )}
      </div>
    </Dialog>
  );
}
