// Strings of a record's own forms: editing its fields on the record page, a new record from My records.

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
};
