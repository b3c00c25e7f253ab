// An object JSON Schema (entity fields, event payload) as editable rows, and back again.
import type { RJSFSchema } from '@rjsf/utils';
import { ZH_TITLE } from '@poolflow/engine';

type Json = Record<string, unknown>;

export type FieldType = 'string' | 'integer' | 'number' | 'boolean';

export interface FieldRow {
  name: string;
  title?: string;
  /** The field's Chinese title (`x-title-zh`). */
  titleZh?: string;
  type: FieldType;
  required?: boolean;
  /** Allowed values, comma-separated ("" = any). */
  options?: string;
}

export const fieldRowsSchema: RJSFSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['name', 'type'],
    properties: {
      // In pairs, as the form's two columns show them.
      name: { type: 'string', title: 'Field', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      type: { type: 'string', title: 'Type', enum: ['string', 'integer', 'number', 'boolean'] },
      title: { type: 'string', title: 'Label' },
      titleZh: { type: 'string', title: 'Label in Chinese' },
      options: { type: 'string', title: 'Choices (comma-separated)' },
      required: { type: 'boolean', title: 'Required' },
    },
  },
};

export function schemaToRows(schema: Json | undefined): FieldRow[] {
  const properties = (schema?.['properties'] ?? {}) as Record<string, Json>;
  const required = (schema?.['required'] ?? []) as string[];
  return Object.entries(properties).map(([name, p]) => {
    const type = (['string', 'integer', 'number', 'boolean'] as const).find((t) => t === p['type']);
    const row: FieldRow = { name, type: type ?? 'string' };
    if (typeof p['title'] === 'string') row.title = p['title'];
    if (typeof p[ZH_TITLE] === 'string') row.titleZh = p[ZH_TITLE];
    if (required.includes(name)) row.required = true;
    if (Array.isArray(p['enum'])) row.options = p['enum'].map(String).join(', ');
    return row;
  });
}

function parseOptions(options: string | undefined, type: FieldType): unknown[] | undefined {
  const items = (options ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) return undefined;
  return type === 'integer' || type === 'number' ? items.map(Number) : items;
}

/** Rows back into an object schema; keywords the rows do not show (minLength, ...) are kept. */
export function rowsToSchema(rows: FieldRow[], previous: Json | undefined): Json {
  const before = (previous?.['properties'] ?? {}) as Record<string, Json>;
  const properties: Record<string, Json> = {};
  const required: string[] = [];
  for (const row of rows) {
    if (!row?.name) continue;
    const old = before[row.name];
    const p: Json = { ...(old && old['type'] === row.type ? old : {}), type: row.type };
    if (row.title) p['title'] = row.title;
    else delete p['title'];
    if (row.titleZh?.trim()) p[ZH_TITLE] = row.titleZh;
    else delete p[ZH_TITLE];
    const values = parseOptions(row.options, row.type);
    if (values) p['enum'] = values;
    else delete p['enum'];
    properties[row.name] = p;
    if (row.required) required.push(row.name);
  }
  const next: Json = { ...(previous ?? {}), type: 'object', properties };
  if (required.length > 0) next['required'] = required;
  else delete next['required'];
  return next;
}
