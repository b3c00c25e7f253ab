// Filters over a pool's records: state, tag, entity fields with fixed values, and free text.
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { tagLabel, valueLabel } from './field-labels.js';
import { enumFields } from './record-cells.js';
import { useWorkspace } from './workspace-context.js';

export interface Filters {
  state: string;
  tag: string;
  q: string;
  fields: Record<string, string>;
}

export const noFilters: Filters = { state: '', tag: '', q: '', fields: {} };

export function PoolFilters(props: {
  value: Filters;
  onChange: (next: Filters) => void;
  states: string[];
  tags: string[];
}) {
  const { value, onChange } = props;
  const { t, lang } = useI18n();
  const { policy, stateLabel, fieldTitle, manager } = useWorkspace();
  // A rep sees the masked fields of pooled records as *** and the list refuses a filter by one.
  const hidden = manager ? [] : policy.entity.maskedInPool;
  const [text, setText] = useState(value.q);
  // Typing settles for a moment before the list reloads.
  useEffect(() => {
    if (text === value.q) return;
    const timer = setTimeout(() => onChange({ ...value, q: text }), 350);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <div className="filters" data-testid="filters">
      {props.states.length > 1 && (
        <select
          aria-label={t('state')}
          data-testid="filter-state"
          value={value.state}
          onChange={(e) => onChange({ ...value, state: e.target.value })}
        >
          <option value="">{t('allStates')}</option>
          {props.states.map((s) => (
            <option key={s} value={s}>
              {stateLabel(s)}
            </option>
          ))}
        </select>
      )}
      <select
        aria-label={t('tag')}
        data-testid="filter-tag"
        value={value.tag}
        onChange={(e) => onChange({ ...value, tag: e.target.value })}
      >
        <option value="">{t('allTags')}</option>
        {props.tags.map((tag) => (
          <option key={tag} value={tag}>
            {tag === 'hard' ? t('tagHard') : tagLabel(tag, lang)}
          </option>
        ))}
      </select>
      {enumFields(policy.entity.schema.properties)
        .filter(({ field }) => !hidden.includes(field))
        .map(({ field, values }) => (
          <select
            key={field}
            aria-label={fieldTitle(field)}
            data-testid={`filter-${field}`}
            value={value.fields[field] ?? ''}
            onChange={(e) =>
              onChange({ ...value, fields: { ...value.fields, [field]: e.target.value } })
            }
          >
            <option value="">
              {fieldTitle(field)}: {t('any')}
            </option>
            {values.map((v) => (
              <option key={v} value={v}>
                {valueLabel(v, lang)}
              </option>
            ))}
          </select>
        ))}
      <input
        type="search"
        className="filter-text"
        placeholder={t('searchPlaceholder')}
        data-testid="filter-q"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && onChange({ ...value, q: text })}
      />
      {(value.state || value.tag || value.q || Object.values(value.fields).some(Boolean)) && (
        <button
          type="button"
          className="btn link"
          onClick={() => {
            setText('');
            onChange(noFilters);
          }}
        >
          {t('clearFilters')}
        </button>
      )}
    </div>
  );
}
