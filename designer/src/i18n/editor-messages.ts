// Editor words that come from data, not the UI tables: action types, enum values, schema help texts.
import type { Lang } from './messages.js';

type Pair = [en: string, zh: string];

const ACTION_TYPES: Record<string, Pair> = {
  notify: ['Notify', '发送通知'],
  tag: ['Add tag', '添加标签'],
  untag: ['Remove tag', '移除标签'],
  set: ['Set field', '设置字段'],
  moveToPool: ['Move to pool', '移到其他公海'],
  webhook: ['Webhook', '网络回调（Webhook）'],
};

/** Help of the built-in action types in Chinese (English comes from the action's definition). */
const ACTION_HELP_ZH: Record<string, string> = {
  notify: '发送通知；{{entity.name}} 这类占位符会用记录的字段填充。',
  tag: '给记录添加标签，可设定仅当某条规则成立时。',
  untag: '移除记录的标签，可设定仅当某条规则成立时。',
  set: '把 entity.<字段> 或 instance.<字段> 设为一个 JSON-logic 表达式的值。',
  moveToPool: '把记录移到另一个公海（按公海标识），可设定仅当某条规则成立时。',
  webhook:
    '事件提交后向某个地址 POST JSON（会重试、签名并带幂等键）；预设格式可发到企业微信、钉钉、飞书或 Slack 群机器人。',
};

/** Values of the enums the editor's forms show (state kind, outcome, field type, recipients). */
const ENUM_VALUES: Record<string, Pair> = {
  atomic: ['Normal', '普通'],
  final: ['Final', '终态'],
  success: ['Success (conversion)', '成功（转化）'],
  failure: ['Failure (loss)', '失败（流失）'],
  string: ['Text', '文本'],
  integer: ['Whole number', '整数'],
  number: ['Number', '数字'],
  boolean: ['Yes/no', '是/否'],
  owner: ['Owner', '负责人'],
  previousOwner: ['Previous owner', '原负责人'],
  actor: ['Who acted', '操作人'],
  poolManagers: ['Pool managers', '公海管理者'],
  poolMembers: ['Pool members', '公海成员'],
  departmentAdmins: ['Department admins', '部门管理员'],
  // The webhook's group robots and the language of its message.
  wecom: ['WeCom', '企业微信'],
  dingtalk: ['DingTalk', '钉钉'],
  feishu: ['Feishu', '飞书'],
  slack: ['Slack', 'Slack 机器人'],
  en: ['English', '英文'],
  zh: ['Chinese', '中文'],
};

/** Notification kinds the templates and the runtime use. */
const NOTIFICATION_KINDS: Record<string, Pair> = {
  info: ['Info', '通知'],
  reminder: ['Reminder', '提醒'],
  escalation: ['Escalation', '升级'],
  warning: ['Warning', '警告'],
  assigned: ['Assigned', '已分配'],
  refused: ['Refused', '被拒绝'],
  released: ['Released', '已释放'],
  sla: ['SLA', '服务时限'],
  // The service-ticket template's kinds.
  'sla-warning': ['SLA warning', '时限预警'],
  'sla-breach': ['SLA breached', '超出响应时限'],
  reopened: ['Reopened', '重新打开'],
  review: ['Review', '审核'],
};

/** Chinese for the help texts of schemas/policy.schema.json and the action params schemas. */
const HELP_ZH: Record<string, string> = {
  'Stable policy id (kebab-case).': '策略的固定标识（小写字母和连字符）。',
  'Extra instance fields with their initial values, readable as instance.<name>.':
    '额外的实例字段及其初始值，规则中以 instance.<名称> 读取。',
  "JSON Schema of the record's fields.": '记录字段的 JSON Schema。',
  "Field shown as the record's title.": '作为记录标题显示的字段。',
  "Fields hidden from every member who does not own the record (the pool's managers and admins see all).":
    '对不是负责人的成员隐藏的字段（公海管理者和管理员可见全部）。',
  "Fields no two records of the policy's pools may share (查重): a create, edit or import with a value another record has (case, spaces and full-width forms aside) is refused and names that record.":
    '本策略各公海中任意两条记录都不能相同的字段（查重）：新建、编辑或导入时，若值与另一条记录相同（不计大小写、空格和全角半角），将被拒绝并指出那条记录。',
  'JSON Schema of the event payload.': '事件所带字段的 JSON Schema。',
  'A duration from entry (days/hours/minutes/months, each a number or a JSON-logic giving one; hours and minutes count business time when a calendar is named), an absolute time (until, JSON-logic giving epoch ms), raw milliseconds (ms), or a duration before/after another delay of the same state (before/after: its name).':
    '从进入状态起算的时长（月/天/小时/分钟，可为数字或给出数字的 JSON-logic；指定工作日历时小时和分钟按工作时间计），或绝对时间（截止时间：给出毫秒时间戳的 JSON-logic），或毫秒数，或同一状态中另一个定时器之前/之后的时长。',
  'IANA time zone, e.g. Asia/Shanghai.': 'IANA 时区，例如 Asia/Shanghai。',
  'ISO weekdays that are working days (1 = Monday ... 7 = Sunday).':
    '哪些星期几是工作日（1 = 周一 … 7 = 周日）。',
  'Dates (local, YYYY-MM-DD) with no working time, whatever their weekday.':
    '不上班的日期（当地日期，YYYY-MM-DD），无论星期几。',
  'Make-up working days (调休): dates (local, YYYY-MM-DD) that are working days although their weekday is not. A date also listed in holidays is a holiday.':
    '调休上班日：虽是周末但需上班的日期（当地日期，YYYY-MM-DD）。同时列在节假日中的日期按节假日处理。',
  'Records here have no owner and may be claimed.': '此状态的记录没有负责人，可被领取。',
  'For analytics: reaching this state counts as a conversion (success) or a loss (failure).':
    '用于数据分析：进入此状态计为转化（成功）或流失（失败）。',
  "Records their owner holds here do not count against the owner's claim limit (maxOwned): for states where the work is done or paused but the record stays with its owner (resolved, waiting to re-engage). Final states never count.":
    '负责人在此状态持有的记录不计入其“最多持有数”：用于工作已完成或暂停、但记录仍归负责人的状态（已解决、待再联系）。终止状态从不计入。',
  "Timers keyed by a delay name from the policy's delays.": '以策略中定时器名称为键的定时器。',
  "A named rule (string or {type:'rule', params:{rule}}) or an inline JSON-logic expression.":
    '一条命名规则，或一个内联的 JSON-logic 表达式。',
};

/** Chinese names of the templates' delays: policies name delays by identifier only. */
const DELAY_NAMES_ZH: Record<string, string> = {
  remind: '提醒',
  escalate: '升级提醒',
  release: '到期释放',
  nurtureEnd: '培育结束',
  reengage: '重新激活',
  firstResponse: '首次响应时限',
  slaWarning: '时限预警',
  autoClose: '自动关闭',
};

/** A delay's name for people: Chinese when known (undefined when not), else the identifier. */
export function delayName(delay: string, lang: Lang): string | undefined {
  return lang === 'zh' ? DELAY_NAMES_ZH[delay] : delay;
}

const pick = (pair: Pair | undefined, lang: Lang): string | undefined =>
  pair ? pair[lang === 'zh' ? 1 : 0] : undefined;

export function actionTypeLabel(type: string, lang: Lang): string {
  return pick(ACTION_TYPES[type], lang) ?? type;
}

/** An action type's help: Chinese from the table, else the definition's own (English) text. */
export function actionHelp(type: string, description: string | undefined, lang: Lang) {
  if (lang === 'zh') return ACTION_HELP_ZH[type];
  return description;
}

export function enumValueLabel(value: unknown, lang: Lang): string | undefined {
  return typeof value === 'string' ? pick(ENUM_VALUES[value], lang) : undefined;
}

export function notificationKindLabel(kind: string, lang: Lang): string {
  return pick(NOTIFICATION_KINDS[kind], lang) ?? kind;
}

/** A schema help text in the language: Chinese when known; an unknown English text is not shown in Chinese. */
export function helpText(description: string, lang: Lang): string | undefined {
  if (lang !== 'zh') return description;
  if (!/[A-Za-z]{3,}/.test(description)) return description;
  return HELP_ZH[description];
}

/** Every Chinese string of the tables, for the completeness test. */
export const editorTables = {
  ACTION_TYPES,
  ENUM_VALUES,
  NOTIFICATION_KINDS,
  ACTION_HELP_ZH,
  HELP_ZH,
  DELAY_NAMES_ZH,
};

/** rjsf's own strings (array buttons, empty lists, errors) in Chinese, keyed by their English text. */
export const RJSF_ZH: Record<string, string> = {
  Item: '项',
  'Missing items definition': '缺少条目定义',
  'No items yet. Use the button below to add some.': '暂无条目，请用下方按钮添加。',
  Yes: '是',
  No: '否',
  Close: '关闭',
  Errors: '错误',
  'New Value': '新值',
  Add: '添加',
  'Add Item': '添加一项',
  Copy: '复制',
  'Move down': '下移',
  'Move up': '上移',
  Remove: '删除',
  Now: '现在',
  Clear: '清除',
  'Select a date': '选择日期',
  Type: '类型',
  Value: '值',
  'clear input': '清空',
  'Add data for optional field': '填写此可选项',
  'Remove data for optional field': '清除此可选项',
  'No data for optional field': '此可选项未填写',
  'Unknown field type %1': '未知的字段类型 %1',
  'Option %1': '选项 %1',
  '%1 option %2': '%1 选项 %2',
  '%1 Key': '%1 名称',
  'Unsupported field schema.': '不支持的字段定义。',
};

/** UI strings of the editor's panes added with the i18n sweep (spread into the main tables). */
export const editorEn = {
  entryName: 'Name',
  actionType: 'Action type',
  newActionType: 'New action type',
  simStart: 'Start',
  simTimer: 'Timer: {timer}',
  timerFiredUnnamed: 'Timer fired',
  unsavedChanges: 'Your last edit is not saved yet. Leave anyway?',
  // The canvas's texts for screen readers (React Flow's defaults speak of deleting, which it does not do).
  canvasNodeHelp:
    'Press Enter or Space to select a state and edit it in the inspector; arrow keys then move it.',
  canvasEdgeHelp: 'Press Enter or Space to select a transition and edit it in the inspector.',
  canvasMoved: 'Moved the selected state {direction}: x {x}, y {y}',
  canvasUp: 'up',
  canvasDown: 'down',
  canvasLeft: 'left',
  canvasRight: 'right',
  canvasControls: 'Canvas controls',
  canvasZoomIn: 'Zoom in',
  canvasZoomOut: 'Zoom out',
  canvasInteractive: 'Lock or unlock the canvas',
  canvasMinimap: 'Overview of the lifecycle',
  canvasHandle: 'Drag from here to add a transition',
} as const;

export const editorZh: Record<keyof typeof editorEn, string> = {
  entryName: '名称',
  actionType: '动作类型',
  newActionType: '新动作类型',
  simStart: '开始',
  simTimer: '定时器：{timer}',
  timerFiredUnnamed: '定时器触发',
  unsavedChanges: '最近的修改尚未保存，仍要离开吗？',
  canvasNodeHelp: '按回车或空格选中状态，在检查器中编辑；选中后可用方向键移动。',
  canvasEdgeHelp: '按回车或空格选中转换，在检查器中编辑。',
  canvasMoved: '已将所选状态向{direction}移动：x {x}，y {y}',
  canvasUp: '上',
  canvasDown: '下',
  canvasLeft: '左',
  canvasRight: '右',
  canvasControls: '画布控制',
  canvasZoomIn: '放大',
  canvasZoomOut: '缩小',
  canvasInteractive: '锁定或解锁画布',
  canvasMinimap: '生命周期缩略图',
  canvasHandle: '从这里拖出以添加转换',
};
