// Failed timers (GET /api/timers/failed, POST /api/timers/failed/retry): a pool's manager lists the
// timers whose step failed and makes one due again. Shapes: schemas/api.schema.json `failedTimer`.
import { api } from './client.js';

export interface FailedTimer {
  recordId: string;
  poolKey: string;
  timerKey: string;
  /** The timer's own due time. */
  dueAt: string;
  attempts: number;
  error: { code: string; message: string };
  failedAt: string;
  /** null once parked: only a retry by hand fires it again. */
  nextRetryAt: string | null;
}

/** Most rows one page asks for (the route allows 1000; the badge shows "99+" past 99). */
export const FAILED_TIMERS_LIMIT = 100;

export async function listFailedTimers(pool: string): Promise<FailedTimer[]> {
  const params = new URLSearchParams({ pool, limit: String(FAILED_TIMERS_LIMIT) });
  return (await api<{ items: FailedTimer[] }>('GET', `/api/timers/failed?${params.toString()}`))
    .items;
}

/** Makes the record's failed timer due now (every failed timer of the record without a key). */
export async function retryFailedTimer(
  recordId: string,
  timerKey?: string,
): Promise<FailedTimer[]> {
  const body = timerKey === undefined ? { recordId } : { recordId, timerKey };
  return (await api<{ items: FailedTimer[] }>('POST', '/api/timers/failed/retry', body)).items;
}
