// The pool's record fields as a form (@rjsf/core, titles and choices in the language shown): a new
// record's and an edit's.
import Form from '@rjsf/core';
import type { UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useMemo, type ReactNode } from 'react';
import { plainFormErrors } from '../i18n/form-errors.js';
import { useI18n } from '../i18n/i18n.js';
import { localizeForm } from './field-labels.js';
import { useWorkspace } from './workspace-context.js';

export function FieldsForm(props: {
  idPrefix: string;
  formData: Record<string, unknown>;
  onChange: (data: Record<string, unknown>) => void;
  onSubmit: (data: Record<string, unknown>) => void;
  /** A field left, with its value (a unique field's check, 查重). */
  onBlur?: (field: string, value: unknown) => void;
  /** Under the fields: errors and the dialog's buttons. */
  children: ReactNode;
}) {
  const { t, lang } = useI18n();
  const { policy } = useWorkspace();
  const form = useMemo(() => localizeForm(policy.entity.schema, lang), [policy, lang]);
  return (
    <Form
      schema={form.schema}
      uiSchema={form.uiSchema as UiSchema}
      formData={props.formData}
      validator={validator}
      idPrefix={props.idPrefix}
      showErrorList={false}
      noHtml5Validate
      onChange={(e) => props.onChange((e.formData ?? {}) as Record<string, unknown>)}
      // rjsf names a field `<idPrefix>_<field>`.
      onBlur={(id: string, value: unknown) =>
        props.onBlur?.(id.slice(props.idPrefix.length + 1), value)
      }
      // Field errors show under the fields; nothing to log.
      onError={() => undefined}
      transformErrors={plainFormErrors(t)}
      onSubmit={(e) => props.onSubmit((e.formData ?? {}) as Record<string, unknown>)}
    >
      {props.children}
    </Form>
  );
}
