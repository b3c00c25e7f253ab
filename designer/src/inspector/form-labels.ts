// Field titles, help texts and enum names for the generated forms, in English and Chinese.
import type { RJSFSchema } from '@rjsf/utils';
import { enumValueLabel, helpText } from '../i18n/editor-messages.js';
import type { Lang } from '../i18n/messages.js';

const LABELS: Record<string, [string, string]> = {
  name: ['Name', '名称'],
  description: ['Description', '说明'],
  en: ['English', '英文'],
  zh: ['Chinese', '中文'],
  label: ['Label', '显示名'],
  maxOwned: ['Max records owned', '最多持有数'],
  maxPerDay: ['Max claims per day', '每日最多领取'],
  previousOwnerCooldownDays: ['Previous owner cooldown (days)', '原负责人冷却期（天）'],
  eligible: ['Who may claim', '领取资格'],
  months: ['Months', '月'],
  days: ['Days', '天'],
  hours: ['Hours', '小时'],
  minutes: ['Minutes', '分钟'],
  ms: ['Milliseconds', '毫秒'],
  until: ['Until (epoch ms rule)', '截止时间（规则）'],
  calendar: ['Business calendar', '工作日历'],
  timeZone: ['Time zone', '时区'],
  workingDays: ['Working days (1 = Monday)', '工作日（1 = 周一）'],
  start: ['Start', '开始'],
  end: ['End', '结束'],
  holidays: ['Holidays', '节假日'],
  workdays: ['Make-up workdays', '调休上班日'],
  schema: ['Fields', '字段'],
  titleField: ['Title field', '标题字段'],
  maskedInPool: ['Hidden from members who do not own the record', '仅负责人和管理者可见'],
  uniqueFields: [
    'Unique: no two records may share the value (查重)',
    '查重字段（不允许两条记录相同）',
  ],
  payload: ['Payload fields', '事件字段'],
  pooled: ['Pool state: no owner, claimable', '公海状态：无负责人，可领取'],
  outcome: ['Outcome (analytics)', '结果（用于分析）'],
  exemptFromClaimLimit: ['Not counted in Max records owned', '不计入最多持有数'],
  type: ['Kind', '类型'],
  target: ['Target state', '目标状态'],
  reenter: ['Re-enter (restarts the state’s timers)', '重新进入（重启该状态的定时器）'],
  to: ['Recipients', '接收人'],
  kind: ['Kind', '类别'],
  message: ['Message', '消息'],
  add: ['Tag', '标签'],
  when: ['Only when', '仅当'],
  field: ['Field', '字段'],
  value: ['Value', '值'],
  url: ['URL', '地址'],
  pool: ['Pool', '公海'],
  Role: ['Role', '角色'],
  Users: ['Users', '用户'],
  'Person or group': ['Person or group', '人员或群组'],
  'Pool members with an attribute': ['Pool members with an attribute', '具有某属性的公海成员'],
  attribute: ['Attribute', '属性'],
  equals: ['Equals', '等于'],
  title: ['Label', '显示名'],
  titleZh: ['Label in Chinese', '中文显示名'],
  required: ['Required', '必填'],
  options: ['Choices (comma-separated)', '可选值（逗号分隔）'],
  preset: ['Group robot', '群机器人'],
  secret: ['Signing secret', '签名密钥'],
  secretRef: ['Signing secret name', '签名密钥名称'],
  language: ['Message language', '消息语言'],
  body: ['Body (rule)', '请求体（规则）'],
  headers: ['Headers', '请求头'],
  remove: ['Tag', '标签'],
};

/** A property's title in the language, when the forms have one (problems name their field by it). */
export function fieldLabel(key: string, lang: Lang): string | undefined {
  return Object.prototype.hasOwnProperty.call(LABELS, key)
    ? LABELS[key]?.[lang === 'zh' ? 1 : 0]
    : undefined;
}

/** An enum whose values the editor can name becomes a list of titled constants (the select shows them). */
function namedEnum(out: Record<string, unknown>, lang: Lang): void {
  const values: unknown = out['enum'];
  if (!Array.isArray(values) || values.length === 0) return;
  const names = values.map((v) => enumValueLabel(v, lang));
  if (names.some((n) => n === undefined)) return;
  delete out['enum'];
  // rjsf renders a select for titled constants only with a type to go by.
  if (out['type'] === undefined && values.every((v) => typeof v === 'string'))
    out['type'] = 'string';
  out['oneOf'] = values.map((v: unknown, i) => ({ const: v, title: names[i] }));
}

/** Titles for known property names (kept when the schema has its own, except in Chinese). */
export function withTitles(schema: RJSFSchema, lang: Lang): RJSFSchema {
  const walk = (node: unknown): unknown => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return node;
    const out: Record<string, unknown> = { ...(node as Record<string, unknown>) };
    // Alternatives of an anyOf carry their own titles ("Role", "Users").
    const own = out['title'];
    if (lang === 'zh' && typeof own === 'string' && /^[A-Z]/.test(own) && LABELS[own]) {
      out['title'] = LABELS[own][1];
    }
    // Help texts in the language; in Chinese an untranslated English one is left out.
    if (typeof out['description'] === 'string') {
      const help = helpText(out['description'], lang);
      if (help === undefined) delete out['description'];
      else out['description'] = help;
    }
    namedEnum(out, lang);
    const props = out['properties'];
    if (props && typeof props === 'object') {
      const next: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(props as Record<string, unknown>)) {
        const walked = walk(sub) as Record<string, unknown>;
        const label = LABELS[key];
        if (label && (lang === 'zh' || walked['title'] === undefined)) {
          walked['title'] = label[lang === 'zh' ? 1 : 0];
        }
        next[key] = walked;
      }
      out['properties'] = next;
    }
    for (const key of ['items', 'additionalProperties']) {
      if (out[key] && typeof out[key] === 'object') out[key] = walk(out[key]);
    }
    for (const key of ['anyOf', 'oneOf']) {
      if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(walk);
    }
    return out;
  };
  return walk(schema) as RJSFSchema;
}
