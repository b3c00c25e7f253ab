// rjsf templates: entries of a map (delays, rules, events, calendars) as cards with a key header.
import { ADDITIONAL_PROPERTY_FLAG, type WrapIfAdditionalTemplateProps } from '@rjsf/utils';
import { useI18n } from '../i18n/i18n.js';

export function MapEntryTemplate(props: WrapIfAdditionalTemplateProps) {
  const { id, classNames, style, label, schema, children, disabled, readonly } = props;
  const { t } = useI18n();
  if (!(ADDITIONAL_PROPERTY_FLAG in schema)) {
    return (
      <div className={classNames} style={style}>
        {children}
      </div>
    );
  }
  return (
    <div className={`map-entry ${classNames ?? ''}`} style={style} data-testid={`entry-${label}`}>
      <div className="map-entry-head">
        <input
          key={label}
          className="map-entry-key"
          type="text"
          id={`${id}-key`}
          aria-label={t('entryName')}
          defaultValue={label}
          onBlur={props.onKeyRenameBlur}
        />
        <button
          type="button"
          className="map-entry-remove"
          title={t('remove')}
          disabled={disabled || readonly}
          onClick={props.onRemoveProperty}
        >
          ✕
        </button>
      </div>
      <div className="map-entry-body">{children}</div>
    </div>
  );
}
