// A simulation trace as a timeline: when, what happened, where the record went, who was notified.
import type { Policy, TraceEntry } from '@poolflow/engine';
import { useEffect, useRef } from 'react';
import { eventLabel, timerLabel } from '../canvas/edge-label.js';
import { stateLabel } from '../canvas/policy-graph.js';
import { enumValueLabel, notificationKindLabel } from '../i18n/editor-messages.js';
import { useI18n, type I18n } from '../i18n/i18n.js';
import type { Lang } from '../i18n/messages.js';
import { reasonWords } from './failure-text.js';
import { formatOffset } from './run-scenario.js';

/** What started a trace step, in words: the start, a timer by what it does, an event by its label. */
export function triggerWords(
  policy: Policy,
  entry: Pick<TraceEntry, 'trigger' | 'from'>,
  i18n: { t: ReturnType<typeof useI18n>['t']; lang: ReturnType<typeof useI18n>['lang'] },
): string {
  const { t, lang } = i18n;
  if (entry.trigger === 'start') return t('simStart');
  if (entry.trigger.startsWith('timer ')) {
    const delay = entry.trigger.slice('timer '.length);
    return t('simTimer', { timer: timerLabel(policy, entry.from || undefined, delay, lang) });
  }
  return eventLabel(policy, entry.trigger, lang);
}

/** Who a notification reached; a group none of the scenario's users is in is named as such. */
function recipients(n: TraceEntry['notified'][number], t: I18n['t'], lang: Lang): string {
  if (n.to.length > 0) return n.to.join(', ');
  const { audience } = n;
  if (audience === undefined) return t('notifiedNoOne');
  const group =
    typeof audience === 'string'
      ? (enumValueLabel(audience, lang) ?? audience)
      : `${audience.attribute} = ${String(audience.equals)}`;
  return t('notifiedEmptyGroup', { group });
}

export function TraceTimeline({
  policy,
  trace,
  highlightStep = null,
}: {
  policy: Policy;
  trace: TraceEntry[];
  /** A scenario step to mark (its failing expectation), scrolled into view. */
  highlightStep?: number | null;
}) {
  const { t, lang } = useI18n();
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    list.current?.querySelector('.highlight')?.scrollIntoView?.({ block: 'nearest' });
  }, [highlightStep, trace]);
  const start = trace[0]?.at ?? new Date(0).toISOString();
  const name = (s: string) => (s ? stateLabel(policy, s, lang) : '—');
  return (
    <ol className="timeline" data-testid="trace-timeline" ref={list}>
      {trace.map((entry, i) => {
        const moved = entry.from !== entry.to;
        const kind = entry.rejected
          ? 'rejected'
          : entry.trigger.startsWith('timer')
            ? 'timer'
            : 'event';
        const marked = highlightStep !== null && entry.step === highlightStep;
        return (
          <li
            key={i}
            className={`timeline-item ${kind}${marked ? ' highlight' : ''}`}
            data-testid="trace-entry"
            data-highlight={marked ? 'true' : undefined}
          >
            <span className="timeline-dot" />
            <div className="timeline-when">{formatOffset(start, entry.at)}</div>
            <div className="timeline-what">
              <strong>{triggerWords(policy, entry, { t, lang })}</strong>
              {entry.actor && <span className="muted"> · {entry.actor}</span>}
              <span className={moved ? 'timeline-move moved' : 'timeline-move'}>
                {entry.from ? `${name(entry.from)} → ${name(entry.to)}` : `→ ${name(entry.to)}`}
              </span>
            </div>
            <div className="timeline-details muted">
              {t('owner')}: {entry.ownerId ?? t('noOwner')}
              {entry.tags.length > 0 && <> · {entry.tags.map((tag) => `#${tag}`).join(' ')}</>}
              {entry.notified.length > 0 && (
                <>
                  {' '}
                  · {t('notified')}:{' '}
                  {entry.notified
                    .map(
                      (n) => `${recipients(n, t, lang)} (${notificationKindLabel(n.kind, lang)})`,
                    )
                    .join('; ')}
                </>
              )}
              {entry.rejected && (
                <span className="error-text">
                  {' '}
                  · {t('rejected')}: {reasonWords(entry.rejected.code, { t, lang })}
                </span>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
