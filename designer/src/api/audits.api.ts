// The audit queue (GET /api/pools/:pool/audits, POST /api/pools/:pool/audits/:id): sampled follow-ups
// a pool's managers confirm or mark fake. Shapes: schemas/audits.schema.json.
import { api } from './client.js';

// Until the generated types carry the audit operations (schemas/audits.schema.json `audit`).
export interface Audit {
  id: string;
  recordId: string;
  recordTitle?: string | null;
  recordState?: string | null;
  eventType: string;
  seq?: number;
  actorId: string | null;
  actorName?: string | null;
  payload?: unknown;
  at: string;
  reason: 'sample' | 'force';
  status: 'open' | 'closed';
  verdict?: 'confirmed' | 'fake';
  note?: string | null;
  decidedBy?: string | null;
  decidedAt?: string | null;
  revoked?: boolean | null;
  restoredTimers?: { timerKey: string; delay?: string; dueAt: string | null }[];
}
export interface AuditList {
  items: Audit[];
  nextCursor?: string;
}
export type AuditStatus = Audit['status'];
export type Verdict = NonNullable<Audit['verdict']>;

/** Audits one page asks for (the route allows 200). */
export const AUDITS_PAGE = 50;

const base = (pool: string) => `/api/pools/${encodeURIComponent(pool)}/audits`;

export function listAudits(pool: string, status: AuditStatus, cursor?: string): Promise<AuditList> {
  const params = new URLSearchParams({ status, limit: String(AUDITS_PAGE) });
  if (cursor) params.set('cursor', cursor);
  return api('GET', `${base(pool)}?${params.toString()}`);
}

/** The closed audit; a second verdict (another manager was first) is a 409 ApiError. */
export function decideAudit(
  pool: string,
  id: string,
  verdict: Verdict,
  note?: string,
): Promise<Audit> {
  return api(
    'POST',
    `${base(pool)}/${encodeURIComponent(id)}`,
    note ? { verdict, note } : { verdict },
  );
}
