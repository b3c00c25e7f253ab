// Chinese names for the templates' fields and choices: a field's own Chinese title (`x-title-zh` beside
// its `title`) first, else these shared names.
import type { Lang } from '../i18n/messages.js';

const FIELDS: Record<string, string> = {
  name: '名称',
  industry: '行业',
  phone: '电话',
  level: '级别',
  urgency: '紧急度 (0-5)',
  channel: '渠道',
  note: '备注',
  reason: '原因',
  months: '暂不跟进（月）',
  position: '应聘职位',
  email: '邮箱',
  city: '城市',
  source: '来源',
  yearsOfExperience: '工作年限',
  education: '学历',
  rating: '面试评分 (1-5)',
  startDate: '入职日期 (YYYY-MM-DD)',
  reengage: '90 天后重新联系',
  subject: '主题',
  customer: '客户',
  contactPhone: '联系电话',
  contactEmail: '联系邮箱',
  category: '类别',
  priority: '优先级',
  severity: '严重程度',
  userId: '用户',
  region: '区域',
};

const VALUES: Record<string, string> = {
  software: '软件',
  manufacturing: '制造',
  finance: '金融',
  trade: '贸易',
  retail: '零售',
  education: '教育',
  other: '其他',
  call: '电话',
  visit: '拜访',
  email: '邮件',
  wechat: '微信',
  interview: '面试',
  referral: '内推',
  headhunter: '猎头',
  job_board: '招聘网站',
  campus: '校园',
  website: '官网',
  high_school: '高中',
  associate: '大专',
  bachelor: '本科',
  master: '硕士',
  doctorate: '博士',
  phone: '电话',
  web: '网页',
  billing: '账单',
  technical: '技术',
  account: '账户',
  delivery: '配送',
  urgent: '紧急',
  high: '高',
  normal: '普通',
  low: '低',
  critical: '致命',
  major: '严重',
  minor: '一般',
  cosmetic: '轻微',
  east: '华东',
  north: '华北',
  south: '华南',
  west: '西部',
};

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
  if (lang === 'zh' && FIELDS[name]) return FIELDS[name];
  return typeof schemaTitle === 'string' ? schemaTitle : name;
}

/** The keyword of a field's Chinese title in the entity schema, beside its (English) `title`. */
export const ZH_TITLE = 'x-title-zh';

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
  return lang === 'zh' ? (VALUES[text] ?? text) : text;
}

/**
 * A choice as the value a file or request must hold, with its name for people beside it where that
 * differs (`manufacturing（制造）` in Chinese): what an import's hint and its refusals show.
 */
export function choiceWords(value: string, lang: Lang): string {
  const label = valueLabel(value, lang);
  return label === value || label === '—' ? value : `${value}（${label}）`;
}

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
