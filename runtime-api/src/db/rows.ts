// Row shapes of the tables the runtime reads, and their mapping to API replies.
import type { PoolSnapshot, Routing } from '@poolflow/engine';

export interface RecordRow {
  id: string;
  pool_key: string;
  policy_id: string;
  policy_version: number;
  state: string;
  owner_id: string | null;
  pooled: boolean;
  done: boolean;
  /** Owned here, the record does not count against its owner's claim limit (records.limit_free). */
  limit_free: boolean;
  tags: string[];
  score: number;
  data: Record<string, unknown>;
  snapshot: PoolSnapshot;
  seq: number;
  created_at: Date;
  updated_at: Date;
}

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  attributes: Record<string, unknown>;
  created_at: Date;
  disabled_at: Date | null;
  department_id: string | null;
}

export interface PoolRow {
  key: string;
  name: { en: string; zh?: string };
  policy_id: string;
  policy_version: number;
  distribution: 'manual' | 'roundRobin' | 'leastLoaded';
  created_at: Date;
  time_zone: string;
  department_id: string | null;
  /** Admission and routing rules (routing.schema.json), or null. */
  routing: Routing | null;
}
