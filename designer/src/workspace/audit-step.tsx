// What a fake verdict did, in words: the release put back to its earlier date (or due at once), or
// nothing to revoke. Shown on the decided audit and on the record's history row the verdict wrote
// (event AUDIT, payload: verdict, note, audited event, violationOf, revoked, restoredTimers).
import type { Audit } from '../api/audits.api.js';
import type { HistoryEntry } from '../api/records.api.js';
import { useI18n, type I18n } from '../i18n/i18n.js';
import { formatDateTime } from './format.js';
import { timerLabel } from './timer-label.js';
import { useWorkspace, type Workspace } from './workspace-context.js';

/** The history row's event for a verdict (runtime-api audit.service.ts AUDIT_EVENT). */
export const AUDIT_EVENT = 'AUDIT';

type Restored = NonNullable<Audit['restoredTimers']>[number];

interface AuditPayload {
  verdict?: string;
  note?: string | null;
  audited?: { eventType?: string };
  violationOf?: string | null;
  revoked?: boolean | null;
  restoredTimers?: Restored[];
}

/** The delay of a timer key "xstate.after.<delay>.<machine>.<state>" (the key itself otherwise). */
const delayOfKey = (key: string): string => /^xstate\.after\.([^.]+)\./.exec(key)?.[1] ?? key;

export function RevokedTimers(props: {
  revoked: boolean | null | undefined;
  restored: Restored[] | undefined;
  /** When the verdict came: a due time before it fired at once. */
  decidedAt: string | null | undefined;
}) {
  const { t, lang } = useI18n();
  const { pool, policy, words } = useWorkspace();
  if (props.revoked === false) {
    return (
      <p className="muted" data-testid="audit-revoked" data-revoked="false">
        {t('auditNotRevoked')}
      </p>
    );
  }
  if (props.revoked !== true) return null;
  // What the rep cares about is the release: the timers that lead back to the pool (all, if none).
  const releasing = new Set(Object.values(policy.states).flatMap((s) => s.releaseTimers));
  const put = (props.restored ?? [])
    .filter((r): r is Restored & { dueAt: string } => r.dueAt !== null)
    .map((r) => ({ ...r, delay: r.delay ?? delayOfKey(r.timerKey) }));
  const release = put.filter((r) => releasing.has(r.delay));
  return (
    <>
      {(release.length > 0 ? release : put).map((r) => {
        const timer = timerLabel(r.delay, t, words);
        const past = !!props.decidedAt && Date.parse(r.dueAt) <= Date.parse(props.decidedAt);
        return (
          <p key={r.timerKey} data-testid="audit-revoked" data-revoked="true" data-due={r.dueAt}>
            {past
              ? t('auditRevokedNow', { timer })
              : t('auditRevoked', {
                  timer,
                  date: formatDateTime(r.dueAt, lang, pool.timeZone),
                })}
          </p>
        );
      })}
    </>
  );
}

const payloadOf = (entry: HistoryEntry): AuditPayload =>
  entry.payload && typeof entry.payload === 'object' ? entry.payload : {};

/** "Follow up marked fake" / "Follow up confirmed": the history row's title. */
export function auditStepTitle(
  entry: HistoryEntry,
  t: I18n['t'],
  eventLabel: Workspace['eventLabel'],
): string {
  const payload = payloadOf(entry);
  const event = eventLabel(payload.audited?.eventType ?? 'FOLLOW_UP');
  return t(payload.verdict === 'confirmed' ? 'auditStepConfirmed' : 'auditStepFake', { event });
}

/** The history row's details: whose violation, the manager's note, what was put back. */
export function AuditStepDetails({ entry }: { entry: HistoryEntry }) {
  const { t } = useI18n();
  const { personName } = useWorkspace();
  const payload = payloadOf(entry);
  return (
    <span className="audit-step" data-testid="audit-step">
      {payload.violationOf && (
        <span>{t('auditViolation', { name: personName(payload.violationOf) })}</span>
      )}
      {payload.note && <span className="audit-verdict-note"> · {payload.note}</span>}
      <RevokedTimers
        revoked={payload.revoked}
        restored={payload.restoredTimers}
        decidedAt={entry.at}
      />
    </span>
  );
}
