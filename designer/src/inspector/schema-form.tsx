// An rjsf form bound to a slice of the policy: every change goes straight back to the editor.
import type { Policy } from '@poolflow/engine';
import Form from '@rjsf/core';
import { useMemo } from 'react';
import {
  englishStringTranslator,
  replaceStringParameters,
  type TranslatableString,
  type UiSchema,
} from '@rjsf/utils';
import { RJSF_ZH } from '../i18n/editor-messages.js';
import type { Lang } from '../i18n/messages.js';
import validator from '@rjsf/validator-ajv8';
import { useI18n } from '../i18n/i18n.js';
import { sameJson } from '../rules/logic-query.js';
import { withTitles } from './form-labels.js';
import { formErrorText } from './problem-text.js';
import type { FormSpec } from './form-schemas.js';
import { customFields, type FormContext } from './rjsf-fields.js';
import { MapEntryTemplate } from './rjsf-templates.js';

const templates = { WrapIfAdditionalTemplate: MapEntryTemplate };

/** rjsf's own words (Add, Move up, Remove, …) in the editor's language. */
function translator(lang: Lang) {
  return (key: TranslatableString, params?: string[]): string => {
    const zh = lang === 'zh' ? RJSF_ZH[key] : undefined;
    return zh ? replaceStringParameters(zh, params) : englishStringTranslator(key, params);
  };
}

/**
 * An empty object or list: what rjsf hands back on opening a form for a part the policy does not have
 * (calendars). It is no edit: taken as one, opening the section made an undo step and saved the draft.
 */
const isEmpty = (data: unknown): boolean =>
  data === undefined ||
  (Array.isArray(data)
    ? data.length === 0
    : data !== null && typeof data === 'object' && Object.keys(data).length === 0);

export interface SchemaFormProps<T> {
  spec: FormSpec;
  value: T | undefined;
  onChange: (value: T) => void;
  policy: Policy;
  testId: string;
  uiSchema?: UiSchema;
}

export function SchemaForm<T>({
  spec,
  value,
  onChange,
  policy,
  testId,
  uiSchema,
}: SchemaFormProps<T>) {
  const { lang } = useI18n();
  const schema = useMemo(() => withTitles(spec.schema, lang), [spec.schema, lang]);
  const context: FormContext = { policy };
  return (
    <div className="schema-form" data-testid={testId}>
      <Form
        tagName="div"
        schema={schema}
        templates={templates}
        uiSchema={{ ...spec.uiSchema, ...uiSchema, 'ui:submitButtonOptions': { norender: true } }}
        formData={value}
        validator={validator}
        translateString={translator(lang)}
        transformErrors={(errors) =>
          errors.map((error) => ({ ...error, message: formErrorText(error, lang) }))
        }
        fields={customFields}
        formContext={context}
        idPrefix={testId}
        liveValidate="onChange"
        showErrorList={false}
        noHtml5Validate
        experimental_defaultFormStateBehavior={{ emptyObjectFields: 'skipDefaults' }}
        onChange={(e) => {
          if (!sameJson(e.formData, value) && !(value === undefined && isEmpty(e.formData)))
            onChange(e.formData as T);
        }}
      />
    </div>
  );
}
