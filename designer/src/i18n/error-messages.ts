// Strings of the runtime's refusals by their code (api/refusal-words.ts): what a Chinese user reads
// instead of the server's English, and the English beside it.

export const errorEn = {
  errUnreachable: 'The server did not answer, or its answer could not be read: try again.',
  errUnauthenticated: 'Your session has ended: log in again.',
  errForbidden: 'You may not do this.',
  errNotFound: 'It no longer exists (it may have been deleted).',
  errTooLarge: 'It is larger than the server accepts.',
  errRateLimited: 'Too many attempts: try again in a while.',
  errConflict: 'Someone changed it meanwhile: reload and try again.',
  errIdempotency: 'The same request was sent twice with different contents: try again.',
  errInvalid: 'The server refused what was sent.',
  errInternal: 'The server failed: try again, or ask an administrator.',
  errOther: 'The server refused ({code}).',
  errFieldList: '; ',
  errSamePool: 'must be another pool than this one',
  errUnknownPool: 'no pool named "{pool}"',
  errOtherDepartment: 'pool "{pool}" belongs to another department',
  errOtherPolicy: 'pool "{pool}" runs policy "{policy}", not "{expected}"',
} as const;

export const errorZh: Record<keyof typeof errorEn, string> = {
  errUnreachable: '服务器没有响应，或响应无法读取，请重试。',
  errUnauthenticated: '登录已失效，请重新登录。',
  errForbidden: '你没有权限这样做。',
  errNotFound: '它已不存在（可能已被删除）。',
  errTooLarge: '内容超过了服务器允许的大小。',
  errRateLimited: '尝试次数过多，请稍后再试。',
  errConflict: '其他人同时做了修改，请刷新后重试。',
  errIdempotency: '同一请求以不同内容重复发送，请重试。',
  errInvalid: '服务器拒绝了提交的内容。',
  errInternal: '服务器出错，请重试或联系管理员。',
  errOther: '服务器拒绝了请求（{code}）。',
  errFieldList: '；',
  errSamePool: '必须是本公海以外的公海',
  errUnknownPool: '没有名为“{pool}”的公海',
  errOtherDepartment: '公海“{pool}”属于其他部门',
  errOtherPolicy: '公海“{pool}”运行的是策略“{policy}”，而不是“{expected}”',
};
