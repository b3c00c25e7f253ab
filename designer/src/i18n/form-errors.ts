// A form's field errors in the user's words instead of Ajv's ("must have required property 'Note'"):
// every rjsf form of the workspace and the administration shows them under the field.
import type { ErrorTransformer } from '@rjsf/utils';
import { NOT_BLANK } from '@poolflow/engine';
import type { I18n } from './i18n.js';

export function plainFormErrors(t: I18n['t']): ErrorTransformer {
  return (errors) =>
    errors.map((e) =>
      e.name === 'required'
        ? { ...e, message: t('requiredField') }
        : e.name === 'pattern' &&
            (e.params as { pattern?: unknown } | undefined)?.pattern === NOT_BLANK
          ? { ...e, message: t('notBlank') }
          : e,
    );
}
