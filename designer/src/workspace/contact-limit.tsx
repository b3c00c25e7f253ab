// Contact limits in the workspace: "next call allowed from …" for each channel whose window is full
// (the record's nextContactAt, worked out by the runtime with the same rule that refuses the event).
import type { RecordDetail } from '../api/records.api.js';
import { useI18n } from '../i18n/i18n.js';
import { valueLabel } from './field-labels.js';
import { formatDateTime } from './format.js';
import { useWorkspace } from './workspace-context.js';
import './integrity.css';

export interface BlockedChannel {
  channel: string;
  until: string;
}

/** Channels still blocked at `now` (a window that has passed since the record was read is open again). */
export function blockedChannels(
  record: Pick<RecordDetail, 'nextContactAt'>,
  now: number,
): BlockedChannel[] {
  return Object.entries(record.nextContactAt ?? {})
    .filter(([, until]) => Date.parse(until) > now)
    .map(([channel, until]) => ({ channel, until }))
    .sort((a, b) => a.channel.localeCompare(b.channel));
}

/** One line per blocked channel, the date as a <time> tests and the browser can read. */
export function NextContact({ blocked }: { blocked: BlockedChannel[] }) {
  const { t, lang } = useI18n();
  const { pool } = useWorkspace();
  if (blocked.length === 0) return null;
  return (
    <ul className="next-contact" data-testid="next-contact">
      {blocked.map(({ channel, until }) => {
        const date = formatDateTime(until, lang, pool.timeZone);
        const [before, after] = t('nextContactAt', {
          channel: valueLabel(channel, lang),
          date: '\u0000',
        }).split('\u0000');
        return (
          <li key={channel} data-channel={channel}>
            ☎ {before}
            <time dateTime={until} data-testid="next-contact-until">
              {date}
            </time>
            {after}
          </li>
        );
      })}
    </ul>
  );
}
