// Engine data types that are not part of the policy document: instances, events, effects, results.

export type JsonObject = Record<string, unknown>;

export interface PoolUser {
  id: string;
  attributes?: JsonObject;
  roles?: string[];
  /** The user's integrity record (audit outcomes), readable in rules as `user.integrity`. */
  integrity?: Integrity;
}

/** A rep's audit outcomes: violations (fake verdicts) in all and in the last 90 days, audits passed. */
export interface Integrity {
  violations: number;
  violations90d: number;
  auditsPassed: number;
}

export interface PreviousOwner {
  userId: string;
  releasedAt: number;
}

export interface ReleaseInfo {
  at: number;
  reason: string;
  byUserId: string | null;
}

/** Engine-kept fields of a record, readable in rules as `instance.*`. Times are epoch ms. */
export interface Instance {
  ownerId: string | null;
  previousOwnerIds: string[];
  previousOwners: PreviousOwner[];
  poolEntries: number;
  claims: number;
  claimedBy: string[];
  tags: string[];
  createdAt: number;
  lastActivityAt: number;
  enteredStateAt: number;
  nurtureUntil: number | null;
  lastRelease: ReleaseInfo | null;
  eventCounts: Record<string, number>;
  /** Recent contacts by channel (epoch ms, oldest first), kept for the policy's contact limits. */
  contacts?: Record<string, number[]>;
  /** The note of the last audited event (kept when the policy has `audit`, for its rules). */
  lastNote?: string | null;
  /** When each delay's timer last fired (epoch ms; kept when the policy has `audit`). */
  lastFired?: Record<string, number>;
  [extra: string]: unknown;
}

export const instanceFields = [
  'ownerId',
  'previousOwnerIds',
  'previousOwners',
  'poolEntries',
  'claims',
  'claimedBy',
  'tags',
  'createdAt',
  'lastActivityAt',
  'enteredStateAt',
  'nurtureUntil',
  'lastRelease',
  'eventCounts',
  'contacts',
  'lastNote',
  'lastFired',
] as const;

export interface PoolEvent {
  type: string;
  payload?: JsonObject;
}

/** A due timer sent back by the runtime: the `event` of a schedule effect. */
export interface TimerEvent {
  type: string;
  timerKey: string;
  dueAt: number;
}

export interface PendingTimer {
  dueAt: number;
  delay: string;
  state: string;
}

/** What the runtime persists per record (besides the entity's data). JSON-safe. */
export interface PoolSnapshot {
  policyId: string;
  policyVersion: number;
  value: string;
  status: 'active' | 'done';
  seq: number;
  instance: Instance;
  timers: Record<string, PendingTimer>;
}

/** Symbolic notification recipients: a pool's managers or members, its department's admins, or its
 * members whose attribute equals a value. */
export type Audience =
  | 'poolManagers'
  | 'poolMembers'
  | 'departmentAdmins'
  | { attribute: string; equals: string | number | boolean };

/** Group-robot body formats a webhook can take. */
export type WebhookPreset = 'wecom' | 'dingtalk' | 'feishu' | 'slack';

interface EffectBase {
  /** Deterministic idempotency key: `recordId:seq:index`. */
  key: string;
}
export type Effect = EffectBase &
  (
    | { type: 'schedule'; timerKey: string; dueAt: number; event: TimerEvent }
    | { type: 'cancel'; timerKey: string }
    | { type: 'owner'; from: string | null; to: string | null; reason: string }
    | {
        type: 'notify';
        to: string[];
        /** A group the runtime expands to users of the record's pool when it writes notifications. */
        audience?: Audience;
        kind: string;
        message: { en: string; zh?: string };
      }
    | {
        type: 'webhook';
        url: string;
        body: unknown;
        /** Name of the signing secret (POOLFLOW_WEBHOOK_SECRET_<NAME>); never the secret itself. */
        secretRef?: string;
        preset?: WebhookPreset;
      }
    | { type: 'moveToPool'; pool: string }
    | { type: string; [field: string]: unknown }
  );

/** What an action may emit; the step adds the key. */
export type EffectInput = { type: string; [field: string]: unknown };

export interface RecordView {
  state: string;
  status: 'active' | 'done';
  pooled: boolean;
  /** The state's owned records do not count against the owner's `claim.maxOwned` (meta.exemptFromClaimLimit). */
  limitFree: boolean;
  ownerId: string | null;
  tags: string[];
  score: number;
  entity: JsonObject;
  instance: Instance;
}

export interface StepResult {
  snapshot: PoolSnapshot;
  effects: Effect[];
  record: RecordView;
  /** True when a timer event was stale or early: nothing changed. */
  stale: boolean;
  /** The state before the step. */
  from: string;
  /** Present when the policy's `audit` put this event into the audit queue (audit.ts). */
  audit?: AuditMark;
}

/** Why an event was audited, and the timers it changed: their due times before and after it. */
export interface AuditMark {
  reason: 'sample' | 'force';
  timersBefore: Record<string, PendingTimer>;
  timersAfter: Record<string, PendingTimer>;
  /**
   * When the event re-entered the record's state (a follow-up restarting the protection period): when
   * the state was entered before it and by it (`instance.enteredStateAt`, epoch ms). A revocation
   * puts the entry time back, so nothing that later re-arms the state's timers from it (a rollout's
   * `recompute`, an edit of a field a delay reads) gives the fake event's protection back.
   */
  entry?: { before: number; after: number };
}

export interface ClaimantStats {
  /** Records of this pool the claimant owns now. */
  owned: number;
  /** Claims the claimant made today. */
  claimsToday: number;
}

export interface StepEnv {
  entity: JsonObject;
  user?: PoolUser | null;
  now: number | Date | string;
  recordId?: string;
  /** Needed for CLAIM: the claimant's counts, read by the runtime with the claimant locked. */
  claimant?: ClaimantStats;
}
