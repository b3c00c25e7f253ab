// Plain words for a rollout: a dry run's answer and an upgrade's progress as sentences an admin
// reads without knowing the API (counts formatted for the language, states by their labels).
import type { Policy } from '@poolflow/engine';
import {
  movingRecords,
  type Upgrade,
  type UpgradePreview,
  type UpgradeProblem,
} from '../api/upgrades.api.js';
import type { I18n } from '../i18n/i18n.js';
import { poolWords } from '../workspace/claim-refusal.js';
import { timerLabel } from '../workspace/timer-label.js';

export function formatCount(n: number, lang: I18n['lang']): string {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US');
}

type Counted =
  | 'rolloutRecords'
  | 'rolloutLeftBehind'
  | 'rolloutMoving'
  | 'rolloutDueAtOnce'
  | 'rolloutDuplicatesAhead'
  | 'rolloutStateRemoved'
  | 'rolloutStateProblem'
  | 'rolloutProgress';

/** The message for a count: its singular form for exactly one ("1 running record"). */
export function counted(key: Counted, count: number): Counted | `${Counted}One` {
  return count === 1 ? `${key}One` : key;
}

/** A state's label in a version's document, else its name (the state may be gone from it). */
export function labelIn(doc: Policy | undefined, state: string, i18n: I18n): string {
  return i18n.text(doc?.machine.states[state]?.meta?.label, state);
}

/**
 * The preview's sentences: how many records move, what happens to their timers, who falls due
 * at once, and how many would share a unique value (查重) with another record. Zero parts are left out ("none earlier" tells nothing an admin needs).
 */
export function previewSentences(
  preview: UpgradePreview,
  versions: { from: number; to: number },
  i18n: I18n,
): string[] {
  const { t, lang } = i18n;
  const n = (value: number) => formatCount(value, lang);
  const total = movingRecords(preview);
  if (total === 0) return [t('rolloutNothingToMove', { to: versions.to })];
  const lines = [
    t(counted('rolloutMoving', total), { total: n(total), from: versions.from, to: versions.to }),
  ];
  const { earlier, later, unchanged, added, removed } = preview.timers;
  const parts = [
    unchanged > 0 && t('rolloutTimersUnchanged', { count: n(unchanged) }),
    later > 0 && t('rolloutTimersLater', { count: n(later) }),
    earlier > 0 && t('rolloutTimersEarlier', { count: n(earlier) }),
    added > 0 && t('rolloutTimersAdded', { count: n(added) }),
    removed > 0 && t('rolloutTimersRemoved', { count: n(removed) }),
  ].filter((part): part is string => typeof part === 'string');
  if (parts.length > 0) lines.push(t('rolloutTimers', { parts: parts.join(t('listSeparator')) }));
  lines.push(
    preview.dueAtOnce > 0
      ? t(counted('rolloutDueAtOnce', preview.dueAtOnce), {
          count: n(preview.dueAtOnce),
          delays: dueDelays(preview, i18n),
        })
      : t('rolloutNoneDueAtOnce'),
  );
  const duplicates = preview.duplicates ?? 0;
  if (duplicates > 0)
    lines.push(t(counted('rolloutDuplicatesAhead', duplicates), { count: n(duplicates) }));
  return lines;
}

/** Which timers fall due at once: "Back to the pool", or with counts when there are several. */
function dueDelays(preview: UpgradePreview, i18n: I18n): string {
  const entries = Object.entries(preview.dueAtOnceByDelay ?? {}).filter(([, count]) => count > 0);
  if (entries.length === 0) return '';
  // An admin's dialog speaks of pools in general ("Back to the pool"), not in one pool's words.
  const words = poolWords(undefined, i18n);
  const parts =
    entries.length === 1
      ? [timerLabel(entries[0][0], i18n.t, words)]
      : entries.map(
          ([delay, count]) =>
            `${timerLabel(delay, i18n.t, words)}: ${formatCount(count, i18n.lang)}`,
        );
  // Counts are per timer, and one record may have several due: "76 records (Back to the pool: 41,
  // Escalation reminder: 37, Reminder: 44)" read as a sum that did not add up. Say they are timers.
  const key = entries.length === 1 ? 'rolloutDueDelays' : 'rolloutDueTimers';
  return i18n.t(key, { parts: parts.join(i18n.t('listSeparator')) });
}

/** A dry run's problem for an admin: the state by its label; a removed state says what to do. */
export function problemText(
  problem: UpgradeProblem,
  context: { fromDoc: Policy | undefined; toVersion: number },
  i18n: I18n,
): string {
  if (problem.state === undefined) return problem.message;
  const vars = {
    state: labelIn(context.fromDoc, problem.state, i18n),
    records: formatCount(problem.records ?? 0, i18n.lang),
    version: context.toVersion,
    message: problem.message,
  };
  return problem.code === 'state-removed'
    ? i18n.t(counted('rolloutStateRemoved', problem.records ?? 0), vars)
    : i18n.t(counted('rolloutStateProblem', problem.records ?? 0), vars);
}

/** "620 of 1,240 records moved" and, when some failed, how many. */
export function progressText(upgrade: Upgrade, i18n: I18n): string {
  const n = (value: number) => formatCount(value, i18n.lang);
  const moved = i18n.t(counted('rolloutProgress', upgrade.total), {
    done: n(upgrade.done),
    total: n(upgrade.total),
  });
  const parts = [moved];
  if (upgrade.failed > 0) parts.push(i18n.t('rolloutFailedCount', { count: n(upgrade.failed) }));
  // Records whose unique value (查重) another record had: moved, without that value's key.
  if ((upgrade.duplicates ?? 0) > 0)
    parts.push(i18n.t('rolloutDuplicates', { count: n(upgrade.duplicates ?? 0) }));
  return parts.join(i18n.t('listSeparator'));
}

/** How far along the bar is: done and failed both count as handled. */
export function progressShare(upgrade: Upgrade): number {
  if (upgrade.status !== 'running') return 1;
  return upgrade.total > 0 ? Math.min(1, (upgrade.done + upgrade.failed) / upgrade.total) : 0;
}

/**
 * Where records of a removed state may go: the new version's states that are not final and are
 * pooled as the old one was (entry actions do not run, so nothing would give or take an owner).
 */
export function mappingTargets(
  fromDoc: Policy | undefined,
  toDoc: Policy,
  state: string,
): string[] {
  const pooled = fromDoc?.machine.states[state]?.meta?.pooled === true;
  return Object.entries(toDoc.machine.states)
    .filter(([, node]) => node.type !== 'final')
    .filter(([, node]) => fromDoc === undefined || (node.meta?.pooled === true) === pooled)
    .map(([name]) => name);
}
