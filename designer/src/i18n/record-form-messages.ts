// Strings of a record's own forms: editing its fields on the record page, a new record from My records,
// and either refused for a unique field's value another record holds.

export const recordFormEn = {
  editFields: 'Edit',
  editFieldsTitle: 'Edit · {title}',
  editNotActivity: 'An edit is not a follow-up: the countdown to the {pool} does not restart.',
  saveFields: 'Save',
  fieldsSaved: '“{title}”: fields saved',
  editConflict:
    'Someone else changed this while you edited: now {fields}. Save again to keep your values.',
  newRecord: 'New record',
  newRecordOwner: 'Owner',
  newRecordMine: 'Me',
  newRecordPooled: 'Nobody: into the {pool}',
  newRecordCreate: 'Create',
  newRecordAnyway: 'Create anyway',
  newRecordSame:
    'Already here under this name: open the record (one in the {pool} you may {claimVerb}) rather than add it twice.',
  recordCreated: '“{title}” created: {state}',
  recordCreatedElsewhere: '“{title}” created in {poolName}, by its routing rules',
  // A unique field's value (查重) another record holds: whose that record is, and a link to it.
  duplicateOwned: '{field} is already another record’s, owned by {user}{where}.',
  duplicateYours: '{field} is already one of your records{where}.',
  duplicatePooled:
    '{field} is already another record’s, in the {pool}{where}: {claimVerb} it rather than add it again.',
  duplicateSomeone: '{field} is already another record’s, owned by another member{where}.',
  duplicateWhere: ' ({poolName})',
  duplicateOpen: 'Open it',
} as const;

export const recordFormZh: Record<keyof typeof recordFormEn, string> = {
  editFields: '编辑',
  editFieldsTitle: '编辑 · {title}',
  editNotActivity: '修改资料不算跟进：回到{pool}的倒计时不会重新开始。',
  saveFields: '保存',
  fieldsSaved: '“{title}”：资料已保存',
  editConflict: '你编辑期间已有他人修改：现为 {fields}。再次保存将以你填写的为准。',
  newRecord: '新建记录',
  newRecordOwner: '负责人',
  newRecordMine: '我',
  newRecordPooled: '无：放入{pool}',
  newRecordCreate: '创建',
  newRecordAnyway: '仍然创建',
  newRecordSame: '已有同名记录：请打开该记录（在{pool}中的可以{claim}），不要重复添加。',
  recordCreated: '“{title}”已创建：{state}',
  recordCreatedElsewhere: '“{title}”已按分流规则创建在{poolName}',
  duplicateOwned: '{field}与另一条记录重复，负责人为{user}{where}。',
  duplicateYours: '{field}与你自己的一条记录重复{where}。',
  duplicatePooled: '{field}与{pool}中的一条记录重复{where}：请{claim}该记录，不要重复添加。',
  duplicateSomeone: '{field}与另一条记录重复，负责人是其他成员{where}。',
  duplicateWhere: '（在{poolName}）',
  duplicateOpen: '打开该记录',
};
