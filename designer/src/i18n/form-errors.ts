// A form's field errors in the user's words instead of Ajv's ("must have required property 'Note'",
// "must match exactly one schema in oneOf"): every rjsf form of the workspace and the administration
// shows them under the field, in the language shown. A keyword without words here keeps Ajv's message.
import type { ErrorTransformer, RJSFValidationError } from '@rjsf/utils';
import { NOT_BLANK } from '@poolflow/engine';
import type { I18n } from './i18n.js';
import type { MessageKey } from './messages.js';

const BY_LIMIT: Record<string, MessageKey> = {
  minLength: 'formTooShort',
  maxLength: 'formTooLong',
  minItems: 'formTooFewItems',
  maxItems: 'formTooManyItems',
  minimum: 'formBelowMinimum',
  maximum: 'formAboveMaximum',
  exclusiveMinimum: 'formAboveLimit',
  exclusiveMaximum: 'formBelowLimit',
};

/** Keywords of a choice: a value none of the options has (a select's const/enum branches). */
const CHOICE = new Set(['const', 'enum', 'oneOf', 'anyOf']);

const FORMATS = new Set(['email', 'uri', 'date', 'date-time']);

function plainMessage(e: RJSFValidationError, t: I18n['t']): string | undefined {
  const params = (e.params ?? {}) as Record<string, unknown>;
  const name = e.name ?? '';
  if (name === 'required') return t('requiredField');
  if (name === 'pattern') return params['pattern'] === NOT_BLANK ? t('notBlank') : t('formPattern');
  if (name === 'minLength' && params['limit'] === 1) return t('requiredField');
  const byLimit = BY_LIMIT[name];
  if (byLimit && typeof params['limit'] === 'number') return t(byLimit, { limit: params['limit'] });
  if (CHOICE.has(name)) return t('formChooseOption');
  if (name === 'type' && (params['type'] === 'number' || params['type'] === 'integer'))
    return t(params['type'] === 'integer' ? 'formWholeNumber' : 'formNumber');
  if (name === 'format' && typeof params['format'] === 'string')
    return FORMATS.has(params['format'])
      ? t(`formFormat_${params['format']}` as MessageKey)
      : t('formFormat', { format: params['format'] });
  if (name === 'uniqueItems') return t('formUniqueItems');
  return undefined;
}

export function plainFormErrors(t: I18n['t']): ErrorTransformer {
  return (errors) => {
    const seen = new Set<string>();
    const out: RJSFValidationError[] = [];
    for (const e of errors) {
      const message = plainMessage(e, t);
      // A select's value outside its options fails every branch and the oneOf: one error says it.
      const key = `${e.property ?? ''}\u0000${message ?? e.message ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(
        message === undefined
          ? e
          : { ...e, message, stack: `${e.property ?? ''} ${message}`.trim() },
      );
    }
    return out;
  };
}
