// Pieces of a record shown in tables and on its page: title, field values (masked ones locked),
// tags, why it was last released, and its Claim button.
import type { ReactNode } from 'react';
import { shortRecordId, type PoolRecord } from '../api/records.api.js';
import { useI18n } from '../i18n/i18n.js';
import { routeHash } from '../pages/use-hash-route.js';
import { blockedClaim } from './claim-refusal.js';
import { tagLabel, valueLabel } from './field-labels.js';
import { LockIcon } from './icons.js';
import { useWorkspace } from './workspace-context.js';

export function recordTitle(record: PoolRecord, titleField: string | undefined): string {
  const value = titleField ? record.data[titleField] : undefined;
  return typeof value === 'string' && value !== '' ? value : shortRecordId(record.id);
}

export function RecordLink({ record }: { record: PoolRecord }) {
  const { policy } = useWorkspace();
  return (
    <RecordIdLink recordId={record.id} title={recordTitle(record, policy.entity.titleField)} />
  );
}

/**
 * A link to a record's page by its id (lists of timers and audits carry no record), in this pool or in
 * `pool` (another of the policy's, where a duplicate was found).
 */
export function RecordIdLink(props: {
  recordId: string;
  title: string;
  testId?: string;
  pool?: string;
}) {
  const { pool } = useWorkspace();
  return (
    <PoolRecordLink pool={props.pool ?? pool.key} recordId={props.recordId} testId={props.testId}>
      {props.title}
    </PoolRecordLink>
  );
}

/** A link to a record's page in a named pool, usable outside the workspace (the rollout's lists). */
export function PoolRecordLink(props: {
  pool: string;
  recordId: string;
  testId?: string | undefined;
  children: ReactNode;
}) {
  return (
    <a
      className="record-link"
      href={routeHash({
        page: 'workspace',
        pool: props.pool,
        view: 'record',
        recordId: props.recordId,
      })}
      data-testid={props.testId ?? 'record-link'}
    >
      {props.children}
    </a>
  );
}

export function FieldValue({ record, field }: { record: PoolRecord; field: string }) {
  const { lang, t } = useI18n();
  const { words } = useWorkspace();
  if (record.masked.includes(field)) {
    return (
      <span className="masked" title={t('maskedHint', words)} data-testid="masked">
        <LockIcon /> ***
      </span>
    );
  }
  return <>{valueLabel(record.data[field], lang)}</>;
}

export function Tags({ tags }: { tags: string[] }) {
  const { lang, t } = useI18n();
  return (
    <span className="tags">
      {tags.map((tag) => (
        <span key={tag} className={tag === 'hard' ? 'chip tag hard' : 'chip tag'} data-tag={tag}>
          {tag === 'hard' ? t('tagHard') : tagLabel(tag, lang)}
        </span>
      ))}
    </span>
  );
}

/** "Timed out (no action in time)", "New, never owned", or the releasing rep's own words. */
export function ReleaseReason({ record }: { record: PoolRecord }) {
  const { t } = useI18n();
  const { userName } = useWorkspace();
  const release = record.lastRelease;
  if (!release) return <span className="muted">—</span>;
  const text =
    release.reason === 'timeout'
      ? t('reasonTimeout')
      : release.reason === 'created'
        ? t('reasonCreated')
        : `“${release.reason}”`;
  return (
    <span className="release-reason" data-reason={release.reason}>
      {text}
      {release.byUserId && release.reason !== 'created' && (
        <span className="muted"> · {userName(release.byUserId)}</span>
      )}
    </span>
  );
}

/** The entity fields shown as table columns: the title first, then up to `max` others. */
export function listFields(
  properties: Record<string, unknown>,
  titleField: string | undefined,
  max = 4,
): string[] {
  return Object.keys(properties)
    .filter((f) => f !== titleField)
    .slice(0, max);
}

/** Entity fields with a fixed list of values: the pool view filters on them. */
export function enumFields(
  properties: Record<string, Record<string, unknown>>,
): { field: string; values: string[] }[] {
  return Object.entries(properties)
    .filter(([, p]) => Array.isArray(p['enum']))
    .map(([field, p]) => ({ field, values: (p['enum'] as unknown[]).map(String) }));
}

/**
 * A pooled record's Claim button: disabled, with the reason (and until when) next to it, when the list
 * says the caller may not claim it (cooldown, hard record, a limit reached).
 */
export function ClaimButton(props: {
  record: PoolRecord;
  busy: boolean;
  ownedCapacity: number | null | undefined;
  onClaim: () => void;
}) {
  const i18n = useI18n();
  const { pool, policy, words } = useWorkspace();
  const blocked = blockedClaim(props.record, i18n, {
    timeZone: pool.timeZone,
    claim: policy.claim,
    ownedCapacity: props.ownedCapacity ?? null,
    words,
  });
  return (
    <>
      <button
        type="button"
        className="btn small primary"
        disabled={props.busy || blocked !== null}
        title={blocked?.text}
        onClick={props.onClaim}
        data-testid="claim"
      >
        {words.claim}
      </button>
      {blocked && (
        <span
          className="claim-blocked"
          data-testid="claim-reason"
          data-code={blocked.code}
          data-until={blocked.until}
        >
          {blocked.text}
        </span>
      )}
    </>
  );
}
