// Strings of the analytics page: the figures' definitions shown in its legend, and the per-rep table.
export const analyticsEn = {
  p90InPool: '90th percentile: {value}',
  convertWithin: 'Converts within',
  convertWithinDays: '{days} days of a claim',
  convertedWithin: 'Converted within {days} days',
  definitionsTitle: 'How each figure is counted',
  defPooledNow: 'Records in a pool state now (no owner).',
  defFlows:
    'Inflow: entries into the {pool} in the range (created into the {pool}, released by hand, released by a timer…). Outflow: exits from it (claimed, assigned, moved…). By the kind of event, per day of the {pool}’s time zone.',
  defPoolSize: 'Records in the {pool} at the end of each day.',
  defConversion:
    'Records claimed from the {pool} in the range (each counted once) that entered a success state within {days} days of a claim in the range, wherever they are now. The breakdown’s converted uses the same definition.',
  defTimeInPool:
    'Exits from the {pool} in the range ({exits}): time from the record’s latest entry into the {pool} to the exit. Median and 90th percentile. An assignment on entry counts as 0 hours.',
  defReps:
    'Per rep, in the range: claims and follow-ups they made; successes, failures and releases of records they owned at the time: by a timer when their hold ran out (a record they parked, e.g. in long-term nurture, coming back on its date is not counted), or by hand with the reason. Load: records they own now that are not done.',
  defBreakdown:
    'Total and in the {pool}: records with this value now. Converted: the conversion’s converted records with this value (the same definition as the conversion card).',
  repsTitle: 'Per rep',
  repName: 'Rep',
  repClaims: 'Claims',
  repFollowUps: 'Follow-ups',
  repWins: 'Successes',
  repLosses: 'Failures',
  repTimedOut: 'Timed-out releases',
  repManualReleases: 'Manual releases',
  repReasons: 'Release reasons',
  repLoad: 'Load now',
  repNoReason: '(no reason)',
} as const;

export const analyticsZh: Record<keyof typeof analyticsEn, string> = {
  p90InPool: '90 分位：{value}',
  convertWithin: '转化时限',
  convertWithinDays: '领取后 {days} 天内',
  convertedWithin: '{days} 天内转化',
  definitionsTitle: '各项指标的口径',
  defPooledNow: '当前在{pool}中（无负责人）的记录数。',
  defFlows:
    '流入：范围内进入{pool}的次数（新建即进入{pool}、手动释放、到期释放……）。流出：离开{pool}的次数（领取、分配、转池……）。按事件类型、按{pool}时区的自然日统计。',
  defPoolSize: '每天结束时{pool}中的记录数。',
  defConversion:
    '范围内从{pool}被领取的记录（每条只算一次），在范围内某次领取后 {days} 天内进入成功状态的数量，无论记录现在在哪个{pool}。分组中的“转化”采用同一口径。',
  defTimeInPool:
    '范围内离开{pool}的次数（{exits}）：从记录最近一次进入{pool}到离开的时长，取中位数和 90 分位。进入即自动分配记为 0 小时。',
  defReps:
    '按成员统计范围内：本人的领取和跟进次数；其当时负责的记录的成功、失败和释放：到期释放（本人负责期间到期未跟进；长期培育等搁置后按期回池的不计入本人），或手动释放及原因。当前负载：本人现在负责且未结束的记录数。',
  defBreakdown:
    '总数和在{pool}：当前具有该值的记录。转化：转化率中已转化的记录，按该值分组（与转化率同一口径）。',
  repsTitle: '按成员',
  repName: '成员',
  repClaims: '领取',
  repFollowUps: '跟进',
  repWins: '成功',
  repLosses: '失败',
  repTimedOut: '到期释放',
  repManualReleases: '手动释放',
  repReasons: '释放原因',
  repLoad: '当前负载',
  repNoReason: '（无原因）',
};
