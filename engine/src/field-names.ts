// The Chinese names of the templates' fields and choices: the designer shows them, and an import's CSV
// header and choice cells may be written in them (README: import). A field's own Chinese title
// (`x-title-zh` beside its `title` in the entity schema) comes before these shared names.

/** The shared Chinese names of fields, by field key. */
export const FIELD_NAMES_ZH: Readonly<Record<string, string>> = {
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

/** The shared Chinese names of choices (enum values), by value. */
export const CHOICE_NAMES_ZH: Readonly<Record<string, string>> = {
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

/** The keyword of a field's Chinese title in the entity schema, beside its (English) `title`. */
export const ZH_TITLE = 'x-title-zh';

/** A field's Chinese name: its own `x-title-zh`, else the shared name, else none. */
export function fieldNameZh(name: string, prop: unknown): string | undefined {
  const zh =
    prop && typeof prop === 'object' ? (prop as Record<string, unknown>)[ZH_TITLE] : undefined;
  if (typeof zh === 'string' && zh.trim()) return zh.trim();
  return Object.hasOwn(FIELD_NAMES_ZH, name) ? FIELD_NAMES_ZH[name] : undefined;
}

/** A choice's Chinese name, or none. */
export const choiceNameZh = (value: string): string | undefined =>
  Object.hasOwn(CHOICE_NAMES_ZH, value) ? CHOICE_NAMES_ZH[value] : undefined;
