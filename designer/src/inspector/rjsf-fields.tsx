// Custom rjsf fields: JSON-logic rules (rule builder), number-or-logic durations, schema field lists.
import type { Policy } from '@poolflow/engine';
import Form from '@rjsf/core';
import type { FieldProps, RegistryFieldsType } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useState } from 'react';
import { RawJsonEditor } from '../rules/raw-json-editor.js';
import { DelayField } from './delay-field.js';
import { RuleEditor } from '../rules/rule-editor.js';
import { useI18n } from '../i18n/i18n.js';
import { fieldRowsSchema, rowsToSchema, schemaToRows, type FieldRow } from './field-rows.js';
import { withTitles } from './form-labels.js';

export interface FormContext {
  policy: Policy;
}

function testIdOf(props: FieldProps): string {
  return `field-${props.fieldPathId.path.join('-')}`;
}

function Label({ props }: { props: FieldProps }) {
  const title = props.schema.title ?? props.name;
  if (!title || props.schema.title === '') return null;
  return (
    <label className="control-label" htmlFor={props.fieldPathId.$id}>
      {title}
    </label>
  );
}

export function LogicField(props: FieldProps) {
  const { policy } = props.registry.formContext as FormContext;
  const [open, setOpen] = useState(false);
  // An optional rule that is not set yet takes one line until the user wants it.
  if (props.formData === undefined && !open) {
    return (
      <div className="form-group logic-field">
        <Label props={props} />
        <button
          type="button"
          className="btn small logic-add"
          data-testid={`${testIdOf(props)}-add`}
          onClick={() => setOpen(true)}
        >
          + {props.schema.title ?? props.name}
        </button>
      </div>
    );
  }
  return (
    <div className="form-group logic-field">
      <Label props={props} />
      <RuleEditor
        value={props.formData as unknown}
        policy={policy}
        testId={testIdOf(props)}
        onChange={(value) => props.onChange(value, props.fieldPathId.path)}
      />
    </div>
  );
}

/** A duration amount: a number input, or the raw JSON when it is computed by JSON-logic. */
export function NumberOrLogicField(props: FieldProps) {
  const value: unknown = props.formData;
  const isLogic = value !== undefined && typeof value !== 'number';
  return (
    <div className="form-group number-or-logic">
      <Label props={props} />
      {isLogic ? (
        <RawJsonEditor value={value} onChange={(v) => props.onChange(v, props.fieldPathId.path)} />
      ) : (
        <input
          id={props.fieldPathId.$id}
          className="form-control"
          type="number"
          min={0}
          step="any"
          data-testid={testIdOf(props)}
          value={value === undefined ? '' : String(value)}
          onChange={(e) =>
            props.onChange(
              e.target.value === '' ? undefined : Number(e.target.value),
              props.fieldPathId.path,
            )
          }
        />
      )}
    </div>
  );
}

/** An object schema (entity fields, event payload) edited as a list of field rows. */
export function SchemaFieldsField(props: FieldProps) {
  const { lang } = useI18n();
  const previous = props.formData as Record<string, unknown> | undefined;
  return (
    <div className="form-group schema-fields" data-testid={testIdOf(props)}>
      <Label props={props} />
      <Form
        tagName="div"
        schema={withTitles(fieldRowsSchema, lang)}
        translateString={props.registry.translateString}
        uiSchema={{
          'ui:submitButtonOptions': { norender: true },
          items: { 'ui:classNames': 'field-row' },
        }}
        formData={schemaToRows(previous)}
        validator={validator}
        idPrefix={props.fieldPathId.$id}
        showErrorList={false}
        onChange={(e) =>
          props.onChange(
            rowsToSchema((e.formData ?? []) as FieldRow[], previous),
            props.fieldPathId.path,
          )
        }
      />
    </div>
  );
}

export const customFields: RegistryFieldsType = {
  delay: DelayField,
  logic: LogicField,
  numberOrLogic: NumberOrLogicField,
  schemaFields: SchemaFieldsField,
};
