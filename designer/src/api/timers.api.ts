// Failed timers (GET /api/timers/failed, POST /api/timers/failed/retry): a pool's manager lists the
// timers whose step failed and makes one due again. Shapes: schemas/api.schema.json `failedTimer`.
import type { FailedTimer, FailedTimerList } from './api.types.js';
import { api } from './client.js';

// Generated from schemas/ (api.types.ts).
export type { FailedTimer };

/** Most rows one page asks for (the route allows 1000; the badge shows "99+" past 99). */
export const FAILED_TIMERS_LIMIT = 100;

export async function listFailedTimers(pool: string): Promise<FailedTimer[]> {
  const params = new URLSearchParams({ pool, limit: String(FAILED_TIMERS_LIMIT) });
  return (await api<FailedTimerList>('GET', `/api/timers/failed?${params.toString()}`)).items;
}

/** Makes the record's failed timer due now (every failed timer of the record without a key). */
export async function retryFailedTimer(
  recordId: string,
  timerKey?: string,
): Promise<FailedTimer[]> {
  const body = timerKey === undefined ? { recordId } : { recordId, timerKey };
  return (await api<FailedTimerList>('POST', '/api/timers/failed/retry', body)).items;
}
