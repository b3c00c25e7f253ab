// What one may do with a record right now: claim it from the pool; as its owner, the events its state
// allows (follow up, nurture, release, win, lose …); as a manager, assign it or move it to another pool.
import { useState } from 'react';
import { assign, claim, moveRecord, type RecordDetail } from '../api/records.api.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog, DialogActions } from '../pages/dialog.js';
import { navigate } from '../pages/use-hash-route.js';
import { refusalOf, type Refusal } from './claim-refusal.js';
import { assigneeRefusal } from './bulk-refusal.js';
import { EventDialog } from './event-dialog.js';
import { MemberSelect } from './manager-bar.js';
import { useWorkspace } from './workspace-context.js';

/** Ownership moves have their own buttons; the rest are the policy's events. */
const OWN_BUTTONS = new Set(['CLAIM', 'ASSIGN']);

const tone = (type: string): string =>
  type === 'WIN' || type === 'HIRE' || type === 'RESOLVE'
    ? 'btn small good'
    : type === 'LOSE' || type === 'REJECT' || type === 'RELEASE'
      ? 'btn small warn'
      : 'btn small';

export function RecordActions(props: {
  record: RecordDetail;
  /** After a change; `event` is the policy event sent, if that was the change. */
  onChanged: (record: RecordDetail | null, event?: string) => void;
  onRefused: (refusal: Refusal) => void;
  compact?: boolean;
}) {
  const { record } = props;
  const i18n = useI18n();
  const { t } = i18n;
  const { me, pool, pools, manager, eventLabel, words } = useWorkspace();
  const [event, setEvent] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'assign' | 'move' | null>(null);
  const [busy, setBusy] = useState(false);
  const mine = record.ownerId === me.id;
  const events = mine || manager ? record.availableEvents.filter((e) => !OWN_BUTTONS.has(e)) : [];
  const canAssign = manager && record.availableEvents.includes('ASSIGN');
  const targets = pools.filter((p) => p.key !== pool.key && p.policyId === pool.policyId);

  const claimIt = async () => {
    setBusy(true);
    try {
      props.onChanged(await claim(pool.key, record.id));
    } catch (e) {
      props.onRefused(refusalOf(e, i18n, { tags: record.tags, timeZone: pool.timeZone, words }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="record-actions" data-testid="record-actions">
      {record.pooled && record.availableEvents.includes('CLAIM') && (
        <button
          type="button"
          className="btn small primary"
          disabled={busy}
          onClick={() => void claimIt()}
          data-testid="claim"
        >
          {words.claim}
        </button>
      )}
      {events.map((type, i) => (
        <button
          key={type}
          type="button"
          className={i === 0 ? 'btn small primary' : tone(type)}
          onClick={() => setEvent(type)}
          data-testid={`event-${type}`}
        >
          {eventLabel(type)}
        </button>
      ))}
      {canAssign && (
        <button
          type="button"
          className="btn small"
          onClick={() => setDialog('assign')}
          data-testid="assign"
        >
          {t('assign')}…
        </button>
      )}
      {manager && !props.compact && targets.length > 0 && (
        <button
          type="button"
          className="btn small"
          onClick={() => setDialog('move')}
          data-testid="move"
        >
          {t('moveToPool', words)}…
        </button>
      )}
      {event && (
        <EventDialog
          record={record}
          type={event}
          onClose={() => setEvent(null)}
          onDone={(next) => {
            setEvent(null);
            props.onChanged(next, event);
          }}
        />
      )}
      {dialog === 'assign' && (
        <AssignDialog
          onClose={() => setDialog(null)}
          onAssign={async (userId) => {
            props.onChanged(await assign(pool.key, record.id, userId));
            setDialog(null);
          }}
        />
      )}
      {dialog === 'move' && (
        <MoveDialog
          targets={targets.map((p) => ({ key: p.key, name: p.name }))}
          onClose={() => setDialog(null)}
          onMove={async (to) => {
            await moveRecord(pool.key, record.id, to);
            setDialog(null);
            navigate({ page: 'workspace', pool: to, view: 'record', recordId: record.id });
          }}
        />
      )}
    </div>
  );
}

function AssignDialog(props: { onClose: () => void; onAssign: (userId: string) => Promise<void> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { words, refusalNames, personName, pool, stateLabel } = useWorkspace();
  const [userId, setUserId] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title={t('assignTitle')} onClose={props.onClose}>
      <label className="field">
        <span>{t('assignTo')}</span>
        <MemberSelect value={userId} onChange={setUserId} testId="assign-user" />
      </label>
      {error && <div className="alert error">{error}</div>}
      <DialogActions
        cancelLabel={t('cancel')}
        onCancel={props.onClose}
        submitLabel={t('assign')}
        testId="assign-submit"
        disabled={!userId}
        onSubmit={() => {
          props.onAssign(userId).catch((e) => {
            // A claim rule speaks of the assignee ("Bob Li already holds 3 records"), not of "you".
            const about = {
              assignee: personName(userId),
              words,
              timeZone: pool.timeZone,
              stateLabel,
            };
            setError(
              assigneeRefusal(e, i18n, about) ??
                refusalOf(e, i18n, { words, names: refusalNames }).text,
            );
          });
        }}
      />
    </Dialog>
  );
}

function MoveDialog(props: {
  targets: { key: string; name: { en: string; zh?: string } }[];
  onClose: () => void;
  onMove: (pool: string) => Promise<void>;
}) {
  const i18n = useI18n();
  const { t, text } = i18n;
  const { words, refusalNames } = useWorkspace();
  const [to, setTo] = useState(props.targets[0]?.key ?? '');
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title={t('moveTitle', words)} onClose={props.onClose}>
      <label className="field">
        <span>{t('moveTo', words)}</span>
        <select value={to} onChange={(e) => setTo(e.target.value)} data-testid="move-pool">
          {props.targets.map((p) => (
            <option key={p.key} value={p.key}>
              {text(p.name, p.key)}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">{t('moveHint', words)}</p>
      {error && <div className="alert error">{error}</div>}
      <DialogActions
        cancelLabel={t('cancel')}
        onCancel={props.onClose}
        submitLabel={t('moveToPool', words)}
        testId="move-submit"
        disabled={!to}
        onSubmit={() => {
          props
            .onMove(to)
            .catch((e) => setError(refusalOf(e, i18n, { words, names: refusalNames }).text));
        }}
      />
    </Dialog>
  );
}
