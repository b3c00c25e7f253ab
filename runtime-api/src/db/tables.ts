// Column types of the runtime's tables for knex (`db('pools')` is typed by them): rows as read, and the
// shapes inserted and updated, where json columns are written as JSON text (pg would turn arrays into
// PostgreSQL arrays) and any column may be SQL (`db.fn.now()`). Columns follow the migrations in db/.
import type { Policy } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { Tables } from 'knex/types/tables.js';
import type { OutboxEffect } from '../services/outbox.js';
import type { ScenarioFailure } from '../services/publish-gate.js';
import type { UpgradeRow } from '../services/upgrade-view.js';
import type { PoolRow, RecordRow, UserRow } from './rows.js';

/** A json or jsonb column as written: JSON text (pg writes an object as JSON too, not an array). */
type JsonText = string;
type JsonWrite<T> =
  JsonText | (T extends readonly unknown[] ? never : T extends object ? T : never);
/** Every column of a write may also be SQL. */
type Writes<T> = { [K in keyof T]: T[K] | Knex.Raw };
/** A table read as `Row`, inserted as `Insert`, updated with any part of `Insert`. */
type Table<Row, Insert> = Knex.CompositeTableType<Row, Writes<Insert>, Partial<Writes<Insert>>>;
/** `Row` with the json columns `K` written as JSON text and the columns `D` (defaults) optional. */
type InsertOf<Row, K extends keyof Row = never, D extends keyof Row = never> = Omit<Row, K | D> & {
  [C in K & Exclude<keyof Row, D>]: JsonWrite<Row[C]>;
} & { [C in D]?: C extends K ? JsonWrite<Row[C]> | Extract<Row[C], null> : Row[C] };

/** What an insert into `table` takes (contextual type for a row built before it is inserted). */
export type InsertRow<T extends keyof Tables> = Knex.ResolveTableType<Tables[T], 'insert'>;

/** What an update of `table` takes. */
export type UpdateRow<T extends keyof Tables> = Knex.ResolveTableType<Tables[T], 'update'>;

export type LocalName = { en: string; zh?: string };

export interface SettingRow {
  key: string;
  value: unknown;
}

export interface SessionRow {
  token_hash: string;
  user_id: string;
  expires_at: Date;
}

export interface PolicyRow {
  id: string;
  name: LocalName;
  draft: Policy;
  latest_version: number;
  updated_at: Date;
  department_id: string | null;
}

export interface PolicyVersionRow {
  policy_id: string;
  version: number;
  document: Policy;
  message: string;
  published_by: string;
  published_at: Date;
  forced: boolean;
  failed_scenarios: ScenarioFailure[] | null;
}

export interface PoolMemberRow {
  pool_key: string;
  user_id: string;
  role: string;
  capacity: number | null;
  last_assigned_at: Date | null;
}

export interface TimerRow {
  record_id: string;
  timer_key: string;
  due_at: Date;
  event: unknown;
  attempts: number;
  failed_at: Date | null;
  error: unknown;
  timer_due_at: Date | null;
}

export interface HistoryRow {
  id: number;
  record_id: string;
  pool_key: string;
  seq: number;
  at: Date;
  actor_id: string | null;
  event_type: string;
  payload: unknown;
  from_state: string;
  to_state: string;
  owner_from: string | null;
  owner_to: string | null;
  tags: string[];
  reason: string | null;
}

export interface ClaimRow {
  user_id: string;
  pool_key: string;
  record_id: string;
  at: Date;
}

export interface ClaimantRow {
  pool_key: string;
  user_id: string;
  seq: number;
}

export interface NotificationRow {
  id: number;
  user_id: string;
  record_id: string | null;
  pool_key: string | null;
  kind: string;
  message: LocalName;
  effect_key: string | null;
  created_at: Date;
  read_at: Date | null;
}

export interface ActivityRow {
  id: number;
  at: Date;
  actor_id: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

export interface OutboxTableRow {
  id: number;
  effect_key: string;
  record_id: string | null;
  type: string;
  effect: OutboxEffect;
  attempts: number;
  next_attempt_at: Date;
  done_at: Date | null;
  last_error: string | null;
  dead_at: Date | null;
  last_attempt_at: Date | null;
  created_at: Date | null;
}

export interface IdempotencyRow {
  user_id: string;
  key: string;
  request_hash: string;
  status: number;
  response: { contentType: string | null; body: string } | null;
  created_at: Date;
}

export interface LoginAttemptRow {
  kind: string;
  key: string;
  window_start: Date;
  attempts: number;
}

export interface PoolUpgradeFailureRow {
  upgrade_id: string;
  record_id: string;
  error: { code: string; message: string };
  at: Date;
}

export interface DepartmentRow {
  key: string;
  name: LocalName;
  created_at: Date;
}

/** A unique value (查重) a record holds under its policy (record-keys.ts). */
export interface RecordKeyRow {
  policy_id: string;
  field: string;
  value: string;
  record_id: string;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    settings: Table<SettingRow, InsertOf<SettingRow, 'value'>>;
    users: Table<
      UserRow,
      InsertOf<
        UserRow,
        'roles' | 'attributes',
        'roles' | 'attributes' | 'created_at' | 'disabled_at' | 'department_id'
      >
    >;
    sessions: Table<SessionRow, SessionRow>;
    policies: Table<
      PolicyRow,
      InsertOf<PolicyRow, 'name' | 'draft', 'latest_version' | 'updated_at' | 'department_id'>
    >;
    policy_versions: Table<
      PolicyVersionRow,
      InsertOf<
        PolicyVersionRow,
        'document' | 'failed_scenarios',
        'message' | 'published_at' | 'forced' | 'failed_scenarios'
      >
    >;
    pools: Table<
      PoolRow,
      InsertOf<
        PoolRow,
        'name' | 'routing',
        'distribution' | 'created_at' | 'department_id' | 'time_zone' | 'routing'
      >
    >;
    pool_members: Table<
      PoolMemberRow,
      InsertOf<PoolMemberRow, never, 'role' | 'capacity' | 'last_assigned_at'>
    >;
    records: Table<
      RecordRow & { search: string },
      InsertOf<
        RecordRow & { search: string },
        'tags' | 'data' | 'snapshot',
        'done' | 'limit_free' | 'tags' | 'score' | 'search'
      >
    >;
    timers: Table<
      TimerRow,
      InsertOf<TimerRow, 'event' | 'error', 'attempts' | 'failed_at' | 'error' | 'timer_due_at'>
    >;
    history: Table<
      HistoryRow,
      InsertOf<
        HistoryRow,
        'payload' | 'tags',
        'id' | 'actor_id' | 'payload' | 'owner_from' | 'owner_to' | 'tags' | 'reason'
      >
    >;
    claims: Table<ClaimRow, ClaimRow>;
    claimants: Table<ClaimantRow, ClaimantRow>;
    notifications: Table<
      NotificationRow,
      InsertOf<
        NotificationRow,
        'message',
        'id' | 'record_id' | 'pool_key' | 'effect_key' | 'read_at'
      >
    >;
    activity: Table<ActivityRow, InsertOf<ActivityRow, 'details', 'id' | 'target'>>;
    outbox: Table<
      OutboxTableRow,
      InsertOf<
        OutboxTableRow,
        'effect',
        | 'id'
        | 'record_id'
        | 'attempts'
        | 'done_at'
        | 'last_error'
        | 'dead_at'
        | 'last_attempt_at'
        | 'created_at'
      >
    >;
    idempotency: Table<IdempotencyRow, InsertOf<IdempotencyRow, 'response', 'created_at'>>;
    login_attempts: Table<LoginAttemptRow, LoginAttemptRow>;
    pool_upgrades: Table<
      UpgradeRow,
      InsertOf<
        UpgradeRow,
        'from_versions' | 'state_map',
        | 'from_versions'
        | 'state_map'
        | 'done'
        | 'failed'
        | 'duplicates'
        | 'started_by'
        | 'finished_at'
      >
    >;
    pool_upgrade_failures: Table<PoolUpgradeFailureRow, InsertOf<PoolUpgradeFailureRow, 'error'>>;
    departments: Table<DepartmentRow, InsertOf<DepartmentRow, 'name', 'created_at'>>;
    record_keys: Table<RecordKeyRow, RecordKeyRow>;
  }
}
