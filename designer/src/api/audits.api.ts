// The audit queue (GET /api/pools/:pool/audits, POST /api/pools/:pool/audits/:id): sampled follow-ups
// a pool's managers confirm or mark fake. Shapes: schemas/audits.schema.json.
import type { Audit, AuditList, AuditListQuery, AuditVerdict } from './api.types.js';
import { api } from './client.js';

// Generated from schemas/ (api.types.ts).
export type { Audit, AuditList };
export type AuditStatus = NonNullable<AuditListQuery['status']>;
export type Verdict = AuditVerdict['verdict'];

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
