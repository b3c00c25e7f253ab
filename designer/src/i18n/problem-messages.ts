// Validation problems in words: Chinese per problem code, and Ajv's schema errors per keyword in both
// languages (the engine's English for those is Ajv's own: "must have required property 'target'").
import type { ProblemCode } from '@poolflow/engine';

/** A template of `{param}` placeholders, or a choice of one by the params (initial or target state…). */
type Template = string | ((params: Readonly<Record<string, unknown>>) => string);

/** Chinese per code; `{detail}` is the schema error in words (see SCHEMA_WORDS). */
export const PROBLEMS_ZH: Record<ProblemCode, Template> = {
  schema: '{detail}',
  'too-deep': '嵌套超过 {limit} 层，无法检查',
  'unknown-operator': '不支持运算符“{operator}”',
  'unknown-rule': '规则“{rule}”未定义',
  'invalid-var': 'var 的路径必须是字符串或数字，不能是 {value}',
  'unknown-var': (p) =>
    p['action'] === 'set'
      ? '“{field}”不是可写入的记录字段或实例字段'
      : '“{field}”不是记录字段或实例字段',
  'unknown-action': '动作类型“{action}”不存在',
  'invalid-params': '“{action}”动作的参数：{detail}',
  'unknown-state': (p) =>
    p['which'] === 'initial' ? '初始状态“{state}”不存在' : '目标状态“{state}”不存在',
  'unknown-field': '“{field}”不是记录的字段',
  'unique-field-type': '查重字段“{field}”必须是文本或数字字段（现为 {type}）',
  'unique-field-set': '“设置字段”动作不能写入查重字段“{field}”',
  'unknown-calendar': '定时器“{delay}”使用的工作日历“{calendar}”未定义',
  'unknown-time-zone':
    '工作日历“{calendar}”的时区“{timeZone}”不是有效的 IANA 时区（例如 Asia/Shanghai）',
  'unknown-delay': '状态“{state}”的定时器“{delay}”未在定时器中定义',
  'unknown-event': '审核的事件“{event}”未在事件中声明',
  'invalid-payload-schema': '事件“{event}”的字段定义不是有效的 JSON Schema',
  'no-exit': '状态“{state}”不是终态，却没有通往其他状态的转换',
  'pool-without-claim': '公海状态“{state}”没有领取（CLAIM）或分配（ASSIGN）转换',
  'final-pool': '公海状态“{state}”不能是终态',
  'unreachable-state': '状态“{state}”无法到达',
  'rule-recursive': '规则“{rule}”直接或间接调用了自己',
  'rule-too-deep': (p) =>
    p['calls'] !== undefined
      ? '规则层层调用命名规则达 {calls} 层，超过上限 {limit}'
      : '规则嵌套了 {depth} 层运算符，超过上限 {limit}',
  'rule-fan-out': '规则连同其调用的命名规则展开后有 {size} 个节点，超过上限 {limit}',
  'rule-nested-loops': '规则嵌套了 {loops} 层 map/filter/reduce/all/some/none，超过上限 {limit}',
  'timer-cycle': '定时器转换 {ms} 就绕回状态“{state}”，短于 {limitMs}：记录会无休止地流转',
  'always-cycle': '只经过立即转换就绕回了状态“{state}”',
  'delay-relative-invalid': (p) =>
    p['beside'] === 'before'
      ? '定时器“{delay}”不能同时设在另一个定时器之前和之后：只保留一个'
      : '定时器“{delay}”设在“{reference}”{direction}，不能再设截止时间',
  'delay-unknown-reference': '定时器“{delay}”设在“{reference}”{direction}，但“{reference}”未定义',
  'delay-reference-cycle':
    '定时器“{delay}”设在“{reference}”{direction}，而“{reference}”又绕回到“{delay}”：相对定时器不能成环',
  'delay-reference-not-armed':
    '定时器“{delay}”设在“{reference}”{direction}，但状态“{state}”没有“{reference}”这个定时器',
  'timer-never-fires': (p) =>
    p['firstMs'] !== undefined
      ? '定时器“{delay}”在状态“{state}”中永远不会触发：“{first}”总会先离开该状态（“{first}”{firstMs}后到期，“{delay}”{delayMs}后到期）'
      : '定时器“{delay}”在状态“{state}”中永远不会触发：“{first}”总会先离开该状态（“{delay}”在“{first}”之后{afterFirstMs}才到期）',
  'rule-constant': (p) => {
    const subject =
      p['what'] === 'claim rule' ? '此领取规则' : p['rule'] ? '条件规则“{rule}”' : '此条件';
    if (p['what'] === 'claim rule') {
      return p['truth'] === true
        ? `${subject}无论记录如何总是成立：人人都能领取，不如不设`
        : `${subject}无论记录如何都不成立：没有人能领取`;
    }
    return p['truth'] === true
      ? `${subject}无论记录如何总是成立：这个条件不起作用`
      : `${subject}无论记录如何都不成立：这个转换永远不会发生`;
  },
  'rule-type-mismatch': (p) =>
    p['values'] !== undefined
      ? 'entity.{field} 永远不会等于这个值：{value} 不是它的可选值（{values}）'
      : 'entity.{field} 是{fieldTypes}字段，却与{valueType} {value} 比较，永远不会成立',
  'transition-does-nothing':
    '状态“{state}”中的事件“{event}”既无目标状态也无动作，该状态下会拒绝此事件：请给它一个动作（受理后留在原状态）或目标状态，或删除它',
  'calendar-no-working-time': (p) =>
    p['start'] !== undefined
      ? '工作日历“{calendar}”的下班时间 {end} 与上班时间 {start} 相同：没有工作时间（全天营业请填 00:00 至 24:00）'
      : '工作日历“{calendar}”没有工作日，也没有调休上班日：没有工作时间',
  'blank-name': (p) =>
    p['state'] !== undefined ? '状态“{state}”的英文显示名只有空白' : '策略名称不能只有空白',
  'duplicate-name': '名称“{name}”已被前面的规则使用',
  'calendar-holidays-ending':
    '工作日历“{calendar}”的节假日只列到 {lastHoliday}，没有下一年的：此后的节假日会按工作日计算（按工作时间计的定时器会提前到期），请在节假日公布后补上',
};

/** Ajv's keywords (a few by their params) in words: `{field}` is the field the error is about. */
export const SCHEMA_WORDS: Record<string, [en: string, zh: string]> = {
  required: ['{field} is required', '必须填写{field}'],
  additionalProperties: ['{field} is not a known field', '{field}不是可识别的字段'],
  enum: ['{field} must be one of: {allowed}', '{field}只能是以下之一：{allowed}'],
  const: ['{field} must be {allowed}', '{field}必须是 {allowed}'],
  type: ['{field} must be {type}', '{field}必须是{type}'],
  minimum: ['{field} must be at least {limit}', '{field}不能小于 {limit}'],
  maximum: ['{field} must be at most {limit}', '{field}不能大于 {limit}'],
  minLength: ['{field} must have at least {limit} characters', '{field}至少要有 {limit} 个字符'],
  notEmpty: ['{field} must not be empty', '{field}不能为空'],
  maxLength: ['{field} must have at most {limit} characters', '{field}最多 {limit} 个字符'],
  minItems: ['{field} must have at least {limit} items', '{field}至少要有 {limit} 项'],
  maxItems: ['{field} must have at most {limit} items', '{field}最多 {limit} 项'],
  minProperties: ['{field} must have at least {limit} entries', '{field}至少要有 {limit} 项'],
  maxProperties: ['{field} must have at most {limit} entries', '{field}最多 {limit} 项'],
  uniqueItems: [
    '{field} lists the same value twice (items {first} and {second})',
    '{field}中有重复的值（第 {first} 项和第 {second} 项）',
  ],
  pattern: [
    '{field} does not have the expected form ({pattern})',
    '{field}的格式不对（应符合 {pattern}）',
  ],
  notBlank: ['{field} must not be blank', '{field}不能只有空白'],
  format: ['{field} must be a valid {format}', '{field}不是有效的 {format}'],
  propertyNames: [
    '{field} has a name that is not allowed: "{name}"',
    '{field}中的名称“{name}”不合规则',
  ],
  other: ['{field} is not valid here', '{field}的值不符合要求'],
};

/** Units of a duration in Chinese, largest first ("45天", "30天2小时"). */
export const DURATION_ZH: [ms: number, unit: string][] = [
  [86_400_000, '天'],
  [3_600_000, '小时'],
  [60_000, '分钟'],
  [1_000, '秒'],
  [1, '毫秒'],
];

/** JSON types as the form's words. */
export const TYPE_WORDS: Record<string, [en: string, zh: string]> = {
  string: ['text', '文本'],
  integer: ['a whole number', '整数'],
  number: ['a number', '数字'],
  boolean: ['yes or no', '是/否'],
  object: ['an object', '对象'],
  array: ['a list', '列表'],
  null: ['empty', '空值'],
};

/** English of an action's bad params (the engine's is "notify: /machine/… must have required …"). */
export const INVALID_PARAMS_EN = '{action}: {detail}';

/** Words a path gives when no field label fits (the whole policy, an item of a list), and joiners. */
export const PATH_WORDS = {
  policy: ['The policy', '策略'],
  item: ['{field}, item {n}', '{field}第 {n} 项'],
  language: ['{field} ({language})', '{field}（{language}）'],
  unknown: ['"{key}"', '“{key}”'],
  before: ['before', '之前'],
  after: ['after', '之后'],
  or: [' or ', '或'],
  list: [', ', '、'],
} satisfies Record<string, [en: string, zh: string]>;
