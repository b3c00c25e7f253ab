// The audit queue's row for a stepped event the policy audits (written with the step, write-statement.ts).
import { randomUUID } from 'node:crypto';
import type { StepResult } from '@poolflow/engine';

export interface AuditedStep {
  result: StepResult;
  eventType: string;
  payload: unknown;
  actorId: string | null;
  at: number;
}

/** The AUDIT row of a step whose result carries `audit`. */
export function auditRow(
  o: { recordId: string; poolKey: string },
  step: AuditedStep,
): Record<string, unknown> {
  const audit = step.result.audit;
  return {
    id: randomUUID(),
    pool_key: o.poolKey,
    record_id: o.recordId,
    seq: step.result.snapshot.seq,
    event_type: step.eventType,
    actor_id: step.actorId,
    payload: step.payload ?? null,
    at: step.at,
    reason: audit?.reason ?? 'sample',
    timers_before: audit?.timersBefore ?? {},
    timers_after: audit?.timersAfter ?? {},
    entered_before: audit?.entry?.before ?? null,
    entered_after: audit?.entry?.after ?? null,
  };
}
