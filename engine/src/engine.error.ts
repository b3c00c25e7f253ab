// The engine's one error class: a POOL_ERR_* code (shared with the API) and, where it reaches HTTP, a status.

export type PoolErrorCode =
  | 'POOL_ERR_TAKEN'
  | 'POOL_ERR_CLAIM_LIMIT'
  | 'POOL_ERR_DAILY_LIMIT'
  | 'POOL_ERR_COOLDOWN'
  | 'POOL_ERR_NOT_ELIGIBLE'
  | 'POOL_ERR_EVENT_NOT_ALLOWED'
  | 'POOL_ERR_INVALID_PAYLOAD'
  | 'POOL_ERR_INVALID_POLICY'
  | 'POOL_ERR_INVALID_RULE'
  | 'POOL_ERR_IDEMPOTENCY_MISMATCH'
  | 'POOL_ERR_IDEMPOTENCY_IN_PROGRESS'
  | 'POOL_ERR_UNAUTHENTICATED'
  | 'POOL_ERR_FORBIDDEN'
  | 'POOL_ERR_NOT_FOUND'
  | 'POOL_ERR_RULE_BUDGET'
  | 'POOL_ERR_INVALID_DELAY'
  | 'POOL_ERR_RATE_LIMITED'
  | 'POOL_ERR_TOO_LARGE'
  | 'POOL_ERR_SCENARIO_FAILED'
  | 'POOL_ERR_UPGRADE_REFUSED'
  | 'POOL_ERR_CONFLICT'
  | 'POOL_ERR_CONTACT_LIMIT'
  | 'POOL_ERR_AUDIT_CLOSED'
  | 'POOL_ERR_NOT_ADMITTED'
  | 'POOL_ERR_DUPLICATE';

export const httpStatusOf: Record<PoolErrorCode, number> = {
  POOL_ERR_TAKEN: 409,
  POOL_ERR_CLAIM_LIMIT: 422,
  POOL_ERR_DAILY_LIMIT: 422,
  POOL_ERR_COOLDOWN: 422,
  POOL_ERR_NOT_ELIGIBLE: 403,
  POOL_ERR_EVENT_NOT_ALLOWED: 409,
  POOL_ERR_INVALID_PAYLOAD: 400,
  POOL_ERR_INVALID_POLICY: 400,
  POOL_ERR_INVALID_RULE: 400,
  POOL_ERR_IDEMPOTENCY_MISMATCH: 422,
  POOL_ERR_IDEMPOTENCY_IN_PROGRESS: 409,
  POOL_ERR_UNAUTHENTICATED: 401,
  POOL_ERR_FORBIDDEN: 403,
  POOL_ERR_NOT_FOUND: 404,
  POOL_ERR_RULE_BUDGET: 422,
  POOL_ERR_INVALID_DELAY: 422,
  POOL_ERR_RATE_LIMITED: 429,
  POOL_ERR_TOO_LARGE: 413,
  POOL_ERR_SCENARIO_FAILED: 422,
  POOL_ERR_UPGRADE_REFUSED: 422,
  // A record kept changing under an event through every attempt (record.service.ts): try again.
  POOL_ERR_CONFLICT: 409,
  POOL_ERR_CONTACT_LIMIT: 422,
  // A verdict on an audit that already has one (two managers at once: the second).
  POOL_ERR_AUDIT_CLOSED: 409,
  // An admission rule of the entrance pool refused the record (details: rule, message).
  POOL_ERR_NOT_ADMITTED: 422,
  // A unique field's value (entity.uniqueFields) another record of the policy holds (details: that record).
  POOL_ERR_DUPLICATE: 409,
};

export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly status: number;

  constructor(
    readonly code: PoolErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = httpStatusOf[code];
  }

  toJSON(): { code: PoolErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
