// A form's field errors in the user's words instead of Ajv's ("must have required property 'Note'"):
// every rjsf form of the workspace and the administration shows them under the field.
import type { ErrorTransformer } from '@rjsf/utils';
import type { I18n } from './i18n.js';

/** The pattern a policy gives a text that must hold something other than white space. */
const NOT_BLANK = '\\S';

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
