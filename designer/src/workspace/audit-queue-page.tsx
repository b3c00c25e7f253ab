// The audit queue of a pool, for its managers: sampled follow-ups to confirm or mark fake (open), and the
// verdicts given (decided). Someone else's verdict first (409) is said in plain words and the list reloads.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  decideAudit,
  listAudits,
  type Audit,
  type AuditStatus,
  type Verdict,
} from '../api/audits.api.js';
import { ApiError } from '../api/client.js';
import { getHistory, shortRecordId, type HistoryEntry } from '../api/records.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog, DialogActions } from '../pages/dialog.js';
import { AUDIT_HISTORY_STEPS, AuditCard, repName } from './audit-card.js';
import { auditsBadge } from './manager-badges.js';
import { useNotice } from './notice.js';
import { useWorkspace } from './workspace-context.js';
import './integrity.css';

interface Histories {
  [recordId: string]: { steps: HistoryEntry[]; cut: boolean };
}

export function AuditQueuePage({ onOpen }: { onOpen?: (badge: string | null) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { pool, personName } = useWorkspace();
  const notice = useNotice();
  const [status, setStatus] = useState<AuditStatus>('open');
  const [items, setItems] = useState<Audit[] | null>(null);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [histories, setHistories] = useState<Histories>({});
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [fakeFor, setFakeFor] = useState<Audit | null>(null);
  // The status a reply belongs to: a late page of the other tab is dropped.
  const shown = useRef(status);

  /** The latest steps of each record on the page: one short read of each record's newest steps. */
  const loadHistories = useCallback(
    async (audits: Audit[]) => {
      const ids = [...new Set(audits.map((a) => a.recordId))];
      const found = await Promise.allSettled(
        ids.map((id) => getHistory(pool.key, id, AUDIT_HISTORY_STEPS)),
      );
      const next: Histories = {};
      found.forEach((r, i) => {
        const { steps, more } = r.status === 'fulfilled' ? r.value : { steps: [], more: false };
        next[ids[i]] = { steps, cut: more };
      });
      setHistories((old) => ({ ...old, ...next }));
    },
    [pool.key],
  );

  const load = useCallback(
    async (which: AuditStatus, after?: string) => {
      try {
        const page = await listAudits(pool.key, which, after);
        if (shown.current !== which) return;
        setItems((old) => (after && old ? [...old, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
        if (which === 'open' && !after) onOpen?.(auditsBadge(page));
        await loadHistories(page.items);
      } catch (e) {
        setError(e);
      }
    },
    [pool.key, loadHistories, onOpen],
  );

  useEffect(() => {
    shown.current = status;
    setItems(null);
    setCursor(undefined);
    void load(status);
  }, [status, load]);

  const decide = async (audit: Audit, verdict: Verdict, note?: string) => {
    setBusy(audit.id);
    const title = audit.recordTitle ?? shortRecordId(audit.recordId);
    try {
      await decideAudit(pool.key, audit.id, verdict, note);
      notice.show(t(verdict === 'fake' ? 'auditMarkedFake' : 'auditConfirmed', { title }));
      setFakeFor(null);
      await load(status);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // Another manager was first: their verdict stands; show the queue as it is now.
        setFakeFor(null);
        notice.show(t('auditTaken'));
        await load(status);
      } else {
        setError(e);
      }
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="audit-queue" data-testid="audit-queue">
      <div className="page-head">
        <div>
          <h1>{t('auditQueue')}</h1>
          <p className="muted">{t('auditQueueHint')}</p>
        </div>
        <div className="row">
          <div className="segmented" role="group" aria-label={t('auditQueue')}>
            {(['open', 'closed'] as const).map((s) => (
              <button
                key={s}
                type="button"
                className={status === s ? 'active' : ''}
                onClick={() => setStatus(s)}
                data-testid={`audits-${s}`}
              >
                {t(s === 'open' ? 'auditsOpen' : 'auditsClosed')}
              </button>
            ))}
          </div>
          <button
            type="button"
            className="btn"
            data-testid="audits-refresh"
            onClick={() => void load(status)}
          >
            ↻ {t('refresh')}
          </button>
        </div>
      </div>
      {notice.element}
      {error !== null && <div className="alert error">{refusalWords(error, i18n)}</div>}
      {items === null && error === null && <div className="loading">…</div>}
      {items?.length === 0 && (
        <p className="alert ok" data-testid="audits-empty">
          {t(status === 'open' ? 'noOpenAudits' : 'noClosedAudits')}
        </p>
      )}
      {items && items.length > 0 && (
        <ul className="audit-list" data-testid="audit-list">
          {items.map((audit) => (
            <AuditCard
              key={audit.id}
              audit={audit}
              history={histories[audit.recordId]?.steps}
              historyCut={histories[audit.recordId]?.cut ?? false}
              busy={busy !== null}
              onConfirm={() => void decide(audit, 'confirmed')}
              onFake={() => setFakeFor(audit)}
            />
          ))}
        </ul>
      )}
      {cursor && (
        <button
          type="button"
          className="btn"
          onClick={() => void load(status, cursor)}
          data-testid="audits-more"
        >
          {t('auditsMore')}
        </button>
      )}
      {fakeFor && (
        <FakeDialog
          rep={repName(fakeFor, personName)}
          busy={busy !== null}
          onClose={() => setFakeFor(null)}
          onSubmit={(note) => void decide(fakeFor, 'fake', note)}
        />
      )}
    </div>
  );
}

/** Marking fake has consequences for the rep: said before it is done, with an optional note to them. */
function FakeDialog(props: {
  rep: string;
  busy: boolean;
  onClose: () => void;
  onSubmit: (note: string | undefined) => void;
}) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  return (
    <Dialog title={t('auditFakeTitle', { rep: props.rep })} onClose={props.onClose}>
      <p>{t('auditFakeWhat', { rep: props.rep })}</p>
      <label className="field">
        <span>{t('auditFakeNote')}</span>
        <textarea
          rows={3}
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          data-testid="audit-fake-note"
        />
      </label>
      <DialogActions
        cancelLabel={t('cancel')}
        onCancel={props.onClose}
        submitLabel={t('auditFakeSubmit')}
        testId="audit-fake-submit"
        disabled={props.busy}
        onSubmit={() => props.onSubmit(note.trim() || undefined)}
      />
    </Dialog>
  );
}
