// Strings of the import and export page: the columns an import reads, its progress and its report.

export const importEn = {
  importHint: 'Bring records in from CSV or NDJSON; take the whole {pool} out as CSV.',
  importTitle: 'Import records',
  importColumns: 'Columns (CSV header) or keys (NDJSON "data"):',
  importTemplate: 'Download a template',
  importNames:
    "A CSV's header may also name a field by its title or Chinese name (负责人 for ownerId), and a cell a choice by its Chinese name; the template in 中文 has the Chinese header.",
  importRequired: 'required',
  importOwnerHint: 'the owner: a username, a user id, or a display name only one member has',
  importWholeRecord: 'The record',
  dropFile: 'Drop a .csv or .ndjson file here, or click to choose one',
  rowsCount: '{count} rows',
  importStart: 'Import',
  importCounts: '{rows} of {total} rows read · {imported} imported · {failed} failed',
  importDone:
    'Done: {imported} imported, {failed} rejected. Rejected rows were not written at all.',
  line: 'Line',
  field: 'Field',
  problem: 'Problem',
  moreErrors: '…and {count} more rejected rows.',
  rejectedDownload: 'Download the {count} rejected rows',
  rejectedHint: 'as your file had them, with its header: correct them and import that file again.',
};

export type ImportMessageKey = keyof typeof importEn;

export const importZh: Record<ImportMessageKey, string> = {
  importHint: '从 CSV 或 NDJSON 导入记录；把整个{pool}导出为 CSV。',
  importTitle: '导入记录',
  importColumns: '列名（CSV 表头）或 NDJSON "data" 的键：',
  importTemplate: '下载模板',
  importNames:
    'CSV 表头也可以写字段的中文名或英文标题（ownerId 可写“负责人”），选项也可以写中文名；下载的模板用中文表头。',
  importRequired: '必填',
  importOwnerHint: '负责人：用户名、用户 ID，或仅一位成员使用的显示名',
  importWholeRecord: '整条记录',
  dropFile: '把 .csv 或 .ndjson 文件拖到这里，或点击选择',
  rowsCount: '{count} 行',
  importStart: '导入',
  importCounts: '已读 {rows}/{total} 行 · 导入 {imported} · 失败 {failed}',
  importDone: '完成：导入 {imported} 条，拒绝 {failed} 条。被拒绝的行完全没有写入。',
  line: '行号',
  field: '字段',
  problem: '问题',
  moreErrors: '……还有 {count} 行被拒绝。',
  rejectedDownload: '下载被拒绝的 {count} 行',
  rejectedHint: '保持原文件的表头和内容，修改后可再次导入。',
};
