// Key/value editor for a user's attributes (seniority, team, anything the policies' rules read as
// user.attributes.*); seniority is offered first because the templates' claim rules read it.
import { useState } from 'react';
import { useI18n } from '../i18n/i18n.js';

type Row = { key: string; value: string };

const SENIORITY = ['junior', 'senior'];

function toRows(value: Record<string, unknown>): Row[] {
  return Object.entries(value).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? v : JSON.stringify(v),
  }));
}

type AttributeValue = string | number | boolean | null;

/**
 * Attributes as the runtime takes them (text, numbers, true, false, null): any other value, set before
 * the runtime bounded them, is sent as the JSON text the editor shows for it.
 */
export function scalarAttributes(value: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, v] of Object.entries(value))
    out[key] =
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null
        ? v
        : JSON.stringify(v);
  return out;
}

/** Rows back to an object; rows without a key are dropped, numbers and booleans stay typed. */
export function rowsToAttributes(rows: Row[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of rows) {
    const name = key.trim();
    if (!name) continue;
    out[name] = /^(-?\d+(\.\d+)?|true|false)$/.test(value.trim())
      ? (JSON.parse(value.trim()) as unknown)
      : value;
  }
  return out;
}

export function AttributesEditor(props: {
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
}) {
  const { t } = useI18n();
  // Rows are kept here so a half-typed key (or an empty row) is not lost between renders.
  const [rows, setRows] = useState<Row[]>(() => toRows(props.value));
  const update = (next: Row[]) => {
    setRows(next);
    props.onChange(rowsToAttributes(next));
  };
  const hasSeniority = rows.some((r) => r.key.trim() === 'seniority');
  return (
    <div className="attributes-editor" data-testid="attributes-editor">
      {rows.length === 0 && <p className="muted">{t('adminNoAttributes')}</p>}
      {rows.map((row, i) => (
        <div className="attribute-row" key={i}>
          <input
            className="form-control"
            aria-label={t('adminAttributeKey')}
            placeholder={t('adminAttributeKey')}
            data-testid={`attribute-key-${i}`}
            value={row.key}
            onChange={(e) =>
              update(rows.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))
            }
          />
          <input
            className="form-control"
            aria-label={t('adminAttributeValue')}
            placeholder={t('adminAttributeValue')}
            list={row.key === 'seniority' ? 'seniority-values' : undefined}
            data-testid={`attribute-value-${i}`}
            value={row.value}
            onChange={(e) =>
              update(rows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))
            }
          />
          <button
            type="button"
            className="btn small ghost"
            aria-label={t('adminRemove')}
            onClick={() => update(rows.filter((_, j) => j !== i))}
          >
            ✕
          </button>
        </div>
      ))}
      <datalist id="seniority-values">
        {SENIORITY.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <div className="row">
        {!hasSeniority && (
          <button
            type="button"
            className="btn small"
            data-testid="attribute-add-seniority"
            onClick={() => update([...rows, { key: 'seniority', value: 'junior' }])}
          >
            + {t('adminSeniority')}
          </button>
        )}
        <button
          type="button"
          className="btn small"
          data-testid="attribute-add"
          onClick={() => setRows([...rows, { key: '', value: '' }])}
        >
          + {t('adminAttribute')}
        </button>
      </div>
    </div>
  );
}
