// A record's history as a timeline: when, who, what happened, where it went, who held it after.
import type { HistoryEntry } from '../api/records.api.js';
import { useI18n } from '../i18n/i18n.js';
import { AUDIT_EVENT, AuditStepDetails, auditStepTitle } from './audit-step.js';
import { fieldLabelOf, valueLabel } from './field-labels.js';
import { formatDateTime } from './format.js';
import { timerLabel } from './timer-label.js';
import { useWorkspace } from './workspace-context.js';

/** "timer", "claim", "move" … : the kind of step, for its dot and its words. */
export function stepKind(entry: HistoryEntry): string {
  if (entry.event.startsWith('xstate.after.')) return 'timer';
  if (entry.event === AUDIT_EVENT) return 'audit';
  return entry.event.toLowerCase();
}

/** The delay a timer step fired: the runtime records it as the payload's `timer`. */
export function historyTimer(entry: HistoryEntry): string | undefined {
  const payload = entry.payload as { timer?: unknown } | null | undefined;
  if (typeof payload?.timer === 'string' && payload.timer) return payload.timer;
  return entry.event.startsWith('xstate.after.')
    ? entry.event.split('.')[2] || undefined
    : undefined;
}

/** An edit's fields with their values before and after (null: absent), as its payload holds them. */
export function editedFields(entry: HistoryEntry): [string, unknown, unknown][] {
  const payload = entry.payload as { before?: unknown; after?: unknown } | null | undefined;
  const before = (payload?.before ?? {}) as Record<string, unknown>;
  const after = (payload?.after ?? {}) as Record<string, unknown>;
  return Object.keys(after).map((field) => [field, before[field] ?? null, after[field] ?? null]);
}

/** The timers an edit moved (their delays read a changed field): delay, due time before and after. */
export function movedTimers(entry: HistoryEntry): [string, string, string][] {
  const payload = entry.payload as { timers?: unknown } | null | undefined;
  const timers = payload?.timers;
  if (typeof timers !== 'object' || timers === null) return [];
  return Object.entries(timers as Record<string, { before?: unknown; after?: unknown }>)
    .filter(([, m]) => typeof m?.before === 'string' && typeof m.after === 'string')
    .map(([delay, m]) => [delay, m.before as string, m.after as string]);
}

/** A rollout's versions, from its MIGRATE step's payload ("?" where one is missing). */
export function rollout(entry: HistoryEntry): { from: string; to: string } {
  const payload = entry.payload as { fromVersion?: unknown; toVersion?: unknown } | null;
  const version = (v: unknown) => (typeof v === 'number' ? String(v) : '?');
  return { from: version(payload?.fromVersion), to: version(payload?.toVersion) };
}

export function RecordTimeline({ history }: { history: HistoryEntry[] }) {
  const { t, lang } = useI18n();
  const { pool, policy, userName, personName, stateLabel, eventLabel, fieldTitle, words } =
    useWorkspace();
  const payloadTitle = (event: string, key: string) => {
    const props = policy.events[event]?.payload?.['properties'] as
      Record<string, { title?: unknown }> | undefined;
    return fieldLabelOf(key, props?.[key], lang);
  };
  // A history reads the same to everyone: names, not "you".
  const ownerName = (id: string | null) => (id ? personName(id) : userName(null));
  const what = (entry: HistoryEntry): string => {
    const kind = stepKind(entry);
    if (kind === 'timer') {
      const delay = historyTimer(entry);
      const name = delay === undefined ? undefined : timerLabel(delay, t, words);
      return name ? t('timerFired', { delay: name }) : t('timerFiredUnnamed');
    }
    if (kind === 'create') return t('eventCreate');
    if (kind === 'move') return t('eventMove', words);
    if (kind === 'edit') return t('eventEdit');
    if (kind === 'migrate') return t('eventMigrate', rollout(entry));
    if (kind === 'audit') return auditStepTitle(entry, t, eventLabel);
    return eventLabel(entry.event);
  };
  return (
    <ol className="timeline record-timeline" data-testid="record-timeline">
      {[...history].reverse().map((entry) => {
        const kind = stepKind(entry);
        const moved = entry.from !== entry.to;
        const ownerChanged = entry.ownerFrom !== entry.ownerTo;
        const payload =
          entry.payload &&
          typeof entry.payload === 'object' &&
          !['create', 'move', 'audit', 'edit', 'migrate'].includes(kind)
            ? Object.entries(entry.payload as Record<string, unknown>).filter(
                // The timer is named in the line itself.
                ([key]) => key !== 'userId' && !(kind === 'timer' && key === 'timer'),
              )
            : [];
        return (
          <li
            key={`${entry.seq}-${entry.event}`}
            className={`timeline-item ws-step ${kind}`}
            data-testid="timeline-entry"
            data-event={entry.event}
          >
            <span className="timeline-dot" />
            <div className="timeline-when">{formatDateTime(entry.at, lang, pool.timeZone)}</div>
            <div className="timeline-what">
              <strong>{what(entry)}</strong>
              <span className="muted">
                {' '}
                · {entry.actorId ? (entry.actorName ?? personName(entry.actorId)) : t('system')}
              </span>
              {moved && (
                <span className="timeline-move moved">
                  {stateLabel(entry.from)} → {stateLabel(entry.to)}
                </span>
              )}
            </div>
            <div className="timeline-details">
              {kind === 'audit' && <AuditStepDetails entry={entry} />}
              {kind === 'edit' && (
                <span className="payload">
                  {editedFields(entry).map(([field, before, after]) => (
                    <span key={field} className="payload-item" data-field={field}>
                      {fieldTitle(field)}: {before === null ? '—' : valueLabel(before, lang)} →{' '}
                      <strong>{after === null ? '—' : valueLabel(after, lang)}</strong>
                    </span>
                  ))}
                  {movedTimers(entry).map(([delay, before, after]) => (
                    <span key={delay} className="payload-item" data-timer={delay}>
                      {timerLabel(delay, t, words) ?? delay}:{' '}
                      {formatDateTime(before, lang, pool.timeZone)} →{' '}
                      <strong>{formatDateTime(after, lang, pool.timeZone)}</strong>
                    </span>
                  ))}
                </span>
              )}
              {ownerChanged && (
                <span>
                  {t('owner')}: {ownerName(entry.ownerFrom)} →{' '}
                  <strong>{ownerName(entry.ownerTo)}</strong>
                </span>
              )}
              {entry.reason &&
                !['created', 'timeout'].includes(entry.reason) &&
                !payload.some(([key]) => key === 'reason') && (
                  <span className="muted">
                    {' '}
                    · {t('reason')}: {entry.reason}
                  </span>
                )}
              {payload.length > 0 && (
                <span className="payload">
                  {payload.map(([key, value]) => (
                    <span key={key} className="payload-item">
                      {payloadTitle(entry.event, key)}: {valueLabel(value, lang)}
                    </span>
                  ))}
                </span>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
