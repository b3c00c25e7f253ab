// The simulator's audit queue and integrity records: a scenario step's verdict applies to the record's
// last audited event, as a manager's would in the runtime's queue (audit.service.ts).
import { revoke, type Revocation } from './audit.js';
import type { CompiledPolicy } from './compile.js';
import { EngineError } from './engine.error.js';
import type {
  AuditMark,
  Effect,
  Integrity,
  JsonObject,
  PoolSnapshot,
  StepResult,
} from './types.js';

const DAY = 86_400_000;
/** Days a violation counts in `user.integrity.violations90d`. */
export const RECENT_VIOLATION_DAYS = 90;

interface Audited {
  mark: AuditMark;
  actor: string | null;
  decided: boolean;
}

interface Book {
  start: Integrity;
  violations: number[];
  passed: number;
}

export interface VerdictOutcome {
  /** A fake verdict's step (restored timers, the rep's notification); none for a confirmed one. */
  revocation?: Revocation;
}

export class SimulatedAudits {
  #last: Audited | null = null;
  readonly #books = new Map<string, Book>();

  constructor(users: Record<string, { integrity?: Partial<Integrity> }>) {
    for (const [id, u] of Object.entries(users)) {
      const i = u.integrity ?? {};
      this.#books.set(id, {
        start: {
          violations: i.violations ?? 0,
          violations90d: i.violations90d ?? 0,
          auditsPassed: i.auditsPassed ?? 0,
        },
        violations: [],
        passed: 0,
      });
    }
  }

  #book(userId: string): Book {
    let book = this.#books.get(userId);
    if (!book) {
      book = {
        start: { violations: 0, violations90d: 0, auditsPassed: 0 },
        violations: [],
        passed: 0,
      };
      this.#books.set(userId, book);
    }
    return book;
  }

  /** A user's integrity record at `now`, as rules read it (`user.integrity`). */
  integrityOf(userId: string, now: number): Integrity {
    const book = this.#book(userId);
    const recent = book.violations.filter((at) => at > now - RECENT_VIOLATION_DAYS * DAY).length;
    return {
      violations: book.start.violations + book.violations.length,
      violations90d: book.start.violations90d + recent,
      auditsPassed: book.start.auditsPassed + book.passed,
    };
  }

  /** Notes a stepped event: an audited one becomes the one the next verdict applies to. */
  stepped(result: StepResult, actor: string | null): void {
    if (result.audit) this.#last = { mark: result.audit, actor, decided: false };
  }

  /** A verdict on the last audited event; refused when there is none or it was decided. */
  decide(
    compiled: CompiledPolicy,
    snapshot: PoolSnapshot,
    entity: JsonObject,
    verdict: 'confirmed' | 'fake',
    now: number,
  ): VerdictOutcome {
    const audited = this.#last;
    if (!audited) throw new EngineError('POOL_ERR_NOT_FOUND', 'no audited event to decide');
    if (audited.decided)
      throw new EngineError(
        'POOL_ERR_AUDIT_CLOSED',
        'the last audited event already has a verdict',
      );
    audited.decided = true;
    if (verdict === 'confirmed') {
      if (audited.actor !== null) this.#book(audited.actor).passed += 1;
      return {};
    }
    if (audited.actor !== null) this.#book(audited.actor).violations.push(now);
    return {
      revocation: revoke(compiled, snapshot, audited.mark, {
        entity,
        now,
        recordId: 'sim',
        rep: audited.actor,
      }),
    };
  }
}

/** A verdict step's result: the snapshot after it, its effects, its refusal or whether it revoked. */
export interface VerdictStep {
  snapshot: PoolSnapshot;
  effects: Effect[];
  rejected?: EngineError;
  revoked?: boolean;
}

/** Applies a scenario's verdict step; a refusal (none to decide, already decided) is part of the story. */
export function verdictStep(
  audits: SimulatedAudits,
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  entity: JsonObject,
  verdict: 'confirmed' | 'fake',
  now: number,
): VerdictStep {
  try {
    const { revocation } = audits.decide(compiled, snapshot, entity, verdict, now);
    if (!revocation) return { snapshot, effects: [] };
    const { result, revoked } = revocation;
    return { snapshot: result.snapshot, effects: result.effects, revoked };
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    return { snapshot, effects: [], rejected: e };
  }
}
