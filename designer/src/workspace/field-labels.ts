// Chinese names for fields and choices: a field's own Chinese title (`x-title-zh` beside its `title`)
// first, else the templates' shared names (the engine's field-names.ts, which an import reads too).
import { choiceNameZh, FIELD_NAMES_ZH, ZH_TITLE } from '@poolflow/engine';
import type { Lang } from '../i18n/messages.js';

/** Chinese names of the templates' tags ('hard' is the workspace's own `tagHard`). */
const TAGS: Record<string, string> = {
  reengage: '待再联系',
  escalated: '已升级',
};

/** A tag for people: the templates' tags in Chinese, any other as the policy names it. */
export function tagLabel(tag: string, lang: Lang): string {
  return lang === 'zh' && Object.hasOwn(TAGS, tag) ? TAGS[tag] : tag;
}

/** Titles that give a common field name a meaning of its own (a ticket's note is the response). */
const TITLES: Record<string, string> = {
  Response: '回复内容',
  Resolution: '解决说明',
  Recruiter: '招聘专员',
  Agent: '坐席',
};

export function fieldLabel(name: string, schemaTitle: unknown, lang: Lang): string {
  if (lang === 'zh' && typeof schemaTitle === 'string' && Object.hasOwn(TITLES, schemaTitle)) {
    return TITLES[schemaTitle];
  }
  if (lang === 'zh' && Object.hasOwn(FIELD_NAMES_ZH, name)) return FIELD_NAMES_ZH[name];
  return typeof schemaTitle === 'string' ? schemaTitle : name;
}

/**
 * A field's name for people from its schema: in Chinese its own Chinese title when it has one (a
 * candidate's name is 姓名, a company's 名称), else the shared names; in English its title.
 */
export function fieldLabelOf(name: string, schema: unknown, lang: Lang): string {
  const prop = (schema && typeof schema === 'object' ? schema : {}) as Record<string, unknown>;
  const zh = prop[ZH_TITLE];
  if (lang === 'zh' && typeof zh === 'string' && zh.trim()) return zh;
  return fieldLabel(name, prop['title'], lang);
}

export function valueLabel(value: unknown, lang: Lang): string {
  if (value === null || value === undefined || value === '') return '—';
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);
  return lang === 'zh' ? (choiceNameZh(text) ?? text) : text;
}

/**
 * A choice as the value a file or request must hold, with its name for people beside it where that
 * differs (`manufacturing（制造）` in Chinese): what an import's hint and its refusals show.
 */
export function choiceWords(value: string, lang: Lang): string {
  const label = valueLabel(value, lang);
  return label === value || label === '—' ? value : `${value}（${label}）`;
}

/** The keyword of a field's Chinese hint, beside its (English) `description`. */
const ZH_DESCRIPTION = 'x-description-zh';

/** An object schema with Chinese titles and choice names, as an rjsf uiSchema beside it. */
export function localizeForm(
  schema: Record<string, unknown>,
  lang: Lang,
): { schema: Record<string, unknown>; uiSchema: Record<string, unknown> } {
  const properties = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const uiSchema: Record<string, unknown> = {};
  const localized: Record<string, Record<string, unknown>> = {};
  for (const [name, prop] of Object.entries(properties)) {
    localized[name] = { ...prop, title: fieldLabelOf(name, prop, lang) };
    // A field's hint in Chinese (`x-description-zh` beside its `description`), shown under it.
    const zhHint = prop[ZH_DESCRIPTION];
    if (lang === 'zh' && typeof zhHint === 'string' && zhHint.trim()) {
      localized[name]['description'] = zhHint;
    }
    const ui: Record<string, unknown> = {};
    if (Array.isArray(prop['enum'])) {
      ui['ui:enumNames'] = (prop['enum'] as unknown[]).map((v) => valueLabel(v, lang));
    }
    if (prop['type'] === 'string' && (name === 'note' || Number(prop['maxLength']) > 500)) {
      ui['ui:widget'] = 'textarea';
    }
    if (Object.keys(ui).length > 0) uiSchema[name] = ui;
  }
  return { schema: { ...schema, properties: localized }, uiSchema };
}
