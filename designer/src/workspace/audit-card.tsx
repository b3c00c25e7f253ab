// One audit of the queue: the record, the rep, the event's note and channel, when and why it was picked,
// the record's recent history; Confirmed / Fake… while open, the verdict and what it revoked once closed.
import type { ReactNode } from 'react';
import type { Audit } from '../api/audits.api.js';
import { shortRecordId, type HistoryEntry } from '../api/records.api.js';
import { useI18n } from '../i18n/i18n.js';
import { valueLabel } from './field-labels.js';
import { RevokedTimers } from './audit-step.js';
import { formatDateTime } from './format.js';
import { RecordIdLink } from './record-cells.js';
import { RecordTimeline } from './record-timeline.js';
import { useWorkspace } from './workspace-context.js';

/** History steps shown per audit: the latest few, enough to see what the follow-up followed. */
export const AUDIT_HISTORY_STEPS = 5;

const payloadText = (payload: unknown, key: string): string | null => {
  const value = (payload as Record<string, unknown> | null | undefined)?.[key];
  return typeof value === 'string' && value !== '' ? value : null;
};

export function repName(audit: Audit, personName: (id: string) => string): string {
  if (audit.actorName) return audit.actorName;
  return audit.actorId ? personName(audit.actorId) : '—';
}

export function AuditCard(props: {
  audit: Audit;
  /** The record's latest history steps; undefined while loading or not fetched. */
  history: HistoryEntry[] | undefined;
  /** More history than shown. */
  historyCut: boolean;
  busy: boolean;
  onConfirm: () => void;
  onFake: () => void;
}) {
  const { audit } = props;
  const { t, lang } = useI18n();
  const { pool, me, eventLabel, personName } = useWorkspace();
  const when = (iso: string) => formatDateTime(iso, lang, pool.timeZone);
  const channel = payloadText(audit.payload, 'channel');
  const note = payloadText(audit.payload, 'note');
  const title = audit.recordTitle ?? shortRecordId(audit.recordId);
  return (
    <li
      className={`panel audit-card ${audit.status}`}
      data-testid="audit-card"
      data-id={audit.id}
      data-record={audit.recordId}
      data-status={audit.status}
      data-verdict={audit.verdict}
    >
      <div className="audit-main">
        <div className="audit-head">
          <RecordIdLink recordId={audit.recordId} title={title} testId="audit-record" />
          <span
            className={audit.reason === 'force' ? 'badge warn' : 'badge'}
            title={t(`auditReasonHint_${audit.reason}`)}
            data-testid="audit-reason"
            data-reason={audit.reason}
          >
            {t(`auditReason_${audit.reason}`)}
          </span>
        </div>
        <dl className="fields audit-facts">
          <Fact label={t('auditRep')} testId="audit-rep">
            {repName(audit, personName)}
          </Fact>
          <Fact label={t('auditEvent')}>{eventLabel(audit.eventType)}</Fact>
          {channel && (
            <Fact label={t('auditChannel')} testId="audit-channel">
              {valueLabel(channel, lang)}
            </Fact>
          )}
          <Fact label={t('auditWhen')}>
            <time dateTime={audit.at}>{when(audit.at)}</time>
          </Fact>
        </dl>
        <blockquote className={note ? 'audit-note' : 'audit-note muted'} data-testid="audit-note">
          {note ?? t('auditNoNote')}
        </blockquote>
        {audit.status === 'open' && audit.actorId === me.id ? (
          <p className="hint" data-testid="audit-own">
            {t('auditOwn')}
          </p>
        ) : audit.status === 'open' ? (
          <div className="audit-actions">
            <button
              type="button"
              className="btn small good"
              disabled={props.busy}
              onClick={props.onConfirm}
              data-testid="audit-confirm"
            >
              ✓ {t('auditConfirm')}
            </button>
            <button
              type="button"
              className="btn small warn"
              disabled={props.busy}
              onClick={props.onFake}
              data-testid="audit-fake"
            >
              ✗ {t('auditFake')}
            </button>
          </div>
        ) : (
          <Verdict audit={audit} when={when} />
        )}
      </div>
      <div className="audit-history">
        <h4>{t('auditHistory')}</h4>
        {props.history === undefined ? (
          <div className="loading">…</div>
        ) : (
          <RecordTimeline history={props.history} />
        )}
        {props.historyCut && (
          <p className="hint">{t('auditHistoryMore', { count: AUDIT_HISTORY_STEPS })}</p>
        )}
      </div>
    </li>
  );
}

function Fact(props: { label: string; testId?: string; children: ReactNode }) {
  return (
    <div className="field-line">
      <dt>{props.label}</dt>
      <dd data-testid={props.testId}>{props.children}</dd>
    </div>
  );
}

function Verdict({ audit, when }: { audit: Audit; when: (iso: string) => string }) {
  const { t } = useI18n();
  const { personName } = useWorkspace();
  if (!audit.verdict) return null;
  return (
    <div className="audit-verdict" data-testid="audit-verdict">
      <span className={audit.verdict === 'fake' ? 'badge bad' : 'badge ok'}>
        {t(`verdict_${audit.verdict}`)}
      </span>{' '}
      {audit.decidedBy && audit.decidedAt && (
        <span className="muted">
          {t('auditDecided', { name: personName(audit.decidedBy), date: when(audit.decidedAt) })}
        </span>
      )}
      {audit.note && <p className="audit-verdict-note">{audit.note}</p>}
      {audit.verdict === 'fake' && (
        <RevokedTimers
          revoked={audit.revoked}
          restored={audit.restoredTimers}
          decidedAt={audit.decidedAt}
        />
      )}
    </div>
  );
}
