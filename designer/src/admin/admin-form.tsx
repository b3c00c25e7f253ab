// An rjsf form for the administration pages: validated against its JSON Schema before it is sent, the
// runtime's refusal (message and field) shown under it, and the key/value editor for user attributes.
import Form from '@rjsf/core';
import type { FieldProps, RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import { plainFormErrors } from '../i18n/form-errors.js';
import { useI18n, type I18n } from '../i18n/i18n.js';
import { refusalWords, type RefusalNames } from '../api/refusal-words.js';
import { AttributesEditor } from './attributes-editor.js';

/** The attributes object as key/value rows (rjsf's own map editor cannot suggest keys). */
function AttributesField(props: FieldProps) {
  return (
    <div className="form-group">
      <label className="control-label">{props.schema.title}</label>
      <AttributesEditor
        value={(props.formData ?? {}) as Record<string, unknown>}
        onChange={(value) => props.onChange(value, props.fieldPathId.path)}
      />
    </div>
  );
}

const fields = { attributes: AttributesField };

/** The values a select offers: its enum, or its oneOf's consts. */
function choicesOf(property: RJSFSchema): unknown[] | undefined {
  if (Array.isArray(property.enum)) return property.enum;
  if (!Array.isArray(property.oneOf)) return undefined;
  return property.oneOf.map((o) => (typeof o === 'object' ? o.const : undefined));
}

/**
 * The schema with each select's value as its default: rjsf offers a blank option before the choices
 * of a select without a default ("" before "No department", a distribution of none), which only lets
 * a user pick no valid value.
 */
function choicesDefaulted(schema: RJSFSchema, value: object): RJSFSchema {
  const properties = schema.properties;
  if (!properties) return schema;
  const now = value as Record<string, unknown>;
  const next: Record<string, RJSFSchema | boolean> = {};
  for (const [name, property] of Object.entries(properties)) {
    const choices = typeof property === 'object' ? choicesOf(property) : undefined;
    next[name] =
      typeof property === 'object' && property.default === undefined && choices?.includes(now[name])
        ? { ...property, default: now[name] as RJSFSchema['default'] }
        : property;
  }
  return { ...schema, properties: next };
}

/**
 * The runtime's refusal in words: in English its message, and the field it names when there is one;
 * in Chinese by its code and details (api/refusal-words.ts).
 */
export function refusalText(error: unknown, i18n: I18n, names?: RefusalNames): string {
  if (i18n.lang === 'zh') return refusalWords(error, i18n, names);
  if (!(error instanceof ApiError)) return String((error as Error)?.message ?? error);
  const details = Array.isArray(error.details)
    ? (error.details as { path?: string; message?: string }[])
    : [];
  const first = details.find((d) => d.message);
  return first ? `${first.message}${first.path ? ` (${first.path})` : ''}` : error.message;
}

export function AdminForm<T extends object>(props: {
  schema: RJSFSchema;
  uiSchema?: UiSchema;
  initial: T;
  testId: string;
  submitLabel: string;
  onSubmit: (value: T) => Promise<unknown>;
  onCancel?: () => void;
  onChange?: (value: T) => void;
  /** The form's value after a change, made to fit it (another policy: its latest version). */
  adjust?: (next: T, previous: T) => T;
  /** What the refusal's names read as (users by their display names where the page knows them). */
  names?: RefusalNames;
  children?: ReactNode;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [value, setValue] = useState<T>(props.initial);
  const [busy, setBusy] = useState(false);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  return (
    <div className="schema-form admin-form" data-testid={props.testId}>
      <Form
        schema={choicesDefaulted(props.schema, value)}
        uiSchema={props.uiSchema ?? {}}
        formData={value}
        validator={validator}
        fields={fields}
        idPrefix={props.testId}
        showErrorList={false}
        noHtml5Validate
        transformErrors={plainFormErrors(t)}
        // Field errors show under the fields; nothing to log (rjsf's default writes a console error).
        onError={() => undefined}
        onChange={(e) => {
          const next = props.adjust ? props.adjust(e.formData as T, value) : (e.formData as T);
          setValue(next);
          props.onChange?.(next);
        }}
        onSubmit={(e) => {
          setBusy(true);
          setError(null);
          props.onSubmit(e.formData as T).then(
            () => setBusy(false),
            (err: unknown) => {
              setBusy(false);
              setError(err);
            },
          );
        }}
      >
        {props.children}
        {error !== null && (
          <div className="alert error" data-testid={`${props.testId}-error`}>
            {refusalText(error, i18n, props.names)}
          </div>
        )}
        <div className="dialog-actions">
          {props.onCancel && (
            <button type="button" className="btn" onClick={props.onCancel}>
              {t('cancel')}
            </button>
          )}
          <button
            type="submit"
            className="btn primary"
            disabled={busy}
            data-testid={`${props.testId}-submit`}
          >
            {props.submitLabel}
          </button>
        </div>
      </Form>
    </div>
  );
}
