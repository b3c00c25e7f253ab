// One record: its fields, state, owner, tags, score, pending timers, what one may do with it, and
// the whole timeline of its history (who held it, when, what happened).
import { useCallback, useEffect, useState } from 'react';
import {
  getHistory,
  getRecord,
  HISTORY_MAX,
  type History,
  type RecordDetail,
} from '../api/records.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import { routeHash } from '../pages/use-hash-route.js';
import type { Refusal } from './claim-refusal.js';
import { blockedChannels, NextContact } from './contact-limit.js';
import { releaseDue } from './countdown.js';
import { EditRecordDialog } from './edit-record-dialog.js';
import { daysBetween, formatDateTime, formatDuration, urgencyOf } from './format.js';
import { RefusalAlert, useNotice } from './notice.js';
import { FieldValue, recordTitle, ReleaseReason, Tags } from './record-cells.js';
import { RecordActions } from './record-actions.js';
import { useUncounted } from './event-outcome.js';
import { RecordTimeline } from './record-timeline.js';
import { timerLabel } from './timer-label.js';
import { useWorkspace } from './workspace-context.js';

export function RecordPage({ recordId }: { recordId: string }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { pool, policy, now, me, manager, userName, personName, stateLabel, fieldTitle, words } =
    useWorkspace();
  const [record, setRecord] = useState<RecordDetail | null>(null);
  const [history, setHistory] = useState<History>({ steps: [], more: false });
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [refusal, setRefusal] = useState<(Refusal & { title: string }) | null>(null);
  const [editing, setEditing] = useState(false);
  const notice = useNotice();
  const uncounted = useUncounted();

  const load = useCallback(async () => {
    try {
      const [r, h] = await Promise.all([
        getRecord(pool.key, recordId),
        getHistory(pool.key, recordId),
      ]);
      setRecord(r);
      setHistory(h);
    } catch (e) {
      setError(e);
    }
  }, [pool.key, recordId]);
  useEffect(() => {
    void load();
  }, [load]);

  if (error !== null) return <div className="alert error">{refusalWords(error, i18n)}</div>;
  if (!record) return <div className="loading">…</div>;
  const title = recordTitle(record, policy.entity.titleField);
  const due = releaseDue(record, policy);
  const state = policy.states[record.state];
  return (
    <div className="record-page" data-testid="record-page" data-id={record.id}>
      <a
        className="muted back-link"
        href={routeHash({
          page: 'workspace',
          pool: pool.key,
          view: record.pooled ? 'pool' : 'mine',
        })}
      >
        ← {record.pooled ? t('poolView', words) : t('myRecords')}
      </a>
      <div className="page-head">
        <div>
          <h1 data-testid="record-title">{title}</h1>
          <div className="record-meta">
            <span
              className={state?.pooled ? 'badge pool' : state?.final ? 'badge final' : 'badge ok'}
              data-testid="record-state"
              data-state={record.state}
            >
              {stateLabel(record.state)}
            </span>
            <span>
              {t('owner')}: <strong data-testid="record-owner">{userName(record.ownerId)}</strong>
            </span>
            <span>
              {t('scoreShort')}: <strong>{Math.round(record.score)}</strong>
            </span>
            <Tags tags={record.tags} />
          </div>
        </div>
        <div className="record-side">
          <RecordActions
            record={record}
            onChanged={(next, event) => {
              const warning = event ? uncounted(record, next, event) : null;
              if (warning) notice.show(warning, 'warn');
              else notice.show(t('updated', { title, state: next ? stateLabel(next.state) : '' }));
              void load();
            }}
            onRefused={(x) => setRefusal({ ...x, title })}
          />
          <NextContact blocked={blockedChannels(record, now())} />
        </div>
      </div>
      {refusal && <RefusalAlert refusal={refusal} onClose={() => setRefusal(null)} />}
      <div className="record-grid">
        <section className="panel">
          <div className="panel-head">
            <h3>{t('fields')}</h3>
            {(manager || record.ownerId === me.id) && (
              <button
                type="button"
                className="btn small"
                onClick={() => setEditing(true)}
                data-testid="edit-record"
              >
                {t('editFields')}
              </button>
            )}
          </div>
          <dl className="fields" data-testid="record-fields">
            {Object.keys(policy.entity.schema.properties).map((f) => (
              <div key={f} className="field-line">
                <dt>{fieldTitle(f)}</dt>
                <dd data-field={f}>
                  <FieldValue record={record} field={f} />
                </dd>
              </div>
            ))}
          </dl>
          {record.masked.length > 0 && <p className="hint">{t('maskedHint', words)}</p>}
        </section>
        <section className="panel">
          <h3>{t('timers')}</h3>
          {record.timers.length === 0 && <p className="muted">{t('noTimers')}</p>}
          <ul className="timer-list" data-testid="record-timers">
            {record.timers.map((timer) => {
              const left = Date.parse(timer.dueAt) - now();
              const release = due?.delay === timer.delay;
              return (
                <li key={timer.key} data-delay={timer.delay}>
                  <span className={release ? 'timer-name release' : 'timer-name'}>
                    ◷ {timerLabel(timer.delay, t, words)}
                  </span>
                  <span className={`countdown ${release ? urgencyOf(left) : ''}`}>
                    {left > 0 ? formatDuration(left, lang) : t('dueNow')}
                  </span>
                  <time className="muted" dateTime={timer.dueAt} data-testid="timer-due">
                    {formatDateTime(timer.dueAt, lang, pool.timeZone)}
                  </time>
                </li>
              );
            })}
          </ul>
          <h3 className="spaced">{t('poolFacts', words)}</h3>
          <dl className="fields">
            <div className="field-line">
              <dt>{t('poolEntries', words)}</dt>
              <dd>{record.poolEntries}</dd>
            </div>
            {record.pooled && record.enteredStateAt && (
              <div className="field-line">
                <dt>{t('inPool', words)}</dt>
                <dd>{t('daysCount', { days: daysBetween(record.enteredStateAt, now()) })}</dd>
              </div>
            )}
            <div className="field-line">
              <dt>{t('releasedBecause')}</dt>
              <dd>
                <ReleaseReason record={record} />
              </dd>
            </div>
            {record.previousOwnerIds.length > 0 && (
              <div className="field-line">
                <dt>{t('previousOwners')}</dt>
                <dd>{record.previousOwnerIds.map((id) => personName(id)).join(', ')}</dd>
              </div>
            )}
            {record.lastActivityAt && (
              <div className="field-line">
                <dt>{t('lastActivity')}</dt>
                <dd>{formatDateTime(record.lastActivityAt, lang, pool.timeZone)}</dd>
              </div>
            )}
          </dl>
        </section>
      </div>
      <section className="panel">
        <h3>{t('timeline')}</h3>
        {history.more && (
          <p className="hint" data-testid="timeline-cut">
            {t('timelineCut', { count: HISTORY_MAX })}
          </p>
        )}
        <RecordTimeline history={history.steps} />
      </section>
      {editing && (
        <EditRecordDialog
          record={record}
          onClose={() => setEditing(false)}
          onDone={(next) => {
            setEditing(false);
            notice.show(t('fieldsSaved', { title: recordTitle(next, policy.entity.titleField) }));
            void load();
          }}
        />
      )}
      {notice.element}
    </div>
  );
}
