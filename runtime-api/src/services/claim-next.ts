// Claim-next for many reps at once: concurrent calls of this process are served together, from one read
// of the pool's best records and one read of the claimants' counts, each call given a different record,
// all written in one conditional statement. Nothing is locked; a record another process took meanwhile
// fails its write and that call tries again.
import { EngineError, type StepResult } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { Clock } from './clock.js';
import { Coalescer, ONLINE_BATCH } from './coalescer.js';
import { readClaimants, readPooled, type EventRead } from './event-read.js';
import type { Actor, EventOutcome } from './record.service.js';
import { writeEach, type RecordOutcome, type WriteMetrics } from './record-writer.js';

/** A step ready to write: the row it was read from, its result and what it writes. */
export interface Stepped {
  read: EventRead;
  result: StepResult;
  outcome: RecordOutcome;
}

/** Rounds one claim-next call may take (a round: a read of candidates and a write); README: limits. */
export const CLAIM_NEXT_ROUNDS = 200;
/** Candidates one round reads at most. */
export const CLAIM_NEXT_CANDIDATES = 1000;
/** Refusals that speak for the user, not the record: reported at once. */
const USER_REFUSALS = new Set(['POOL_ERR_CLAIM_LIMIT', 'POOL_ERR_DAILY_LIMIT']);

interface Call {
  poolKey: string;
  actor: Actor;
  /** Records this call may not claim (not eligible, cooldown): passed over from then on. */
  passed: Set<string>;
}

/** A round's answer for one call: claimed, try another round, or nothing left to claim. */
type Answer = EventOutcome | 'again' | 'none';

export interface ClaimSteps {
  /** The claim's engine step for a candidate read with the claimant's counts; a refusal throws. */
  prepare(read: EventRead, actor: Actor): Promise<Stepped>;
  /** The reply once written. */
  finish(stepped: Stepped): Promise<EventOutcome>;
}

export class ClaimNext {
  readonly #rounds: Coalescer<Call, Answer>;

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly metrics: WriteMetrics,
    private readonly steps: ClaimSteps,
  ) {
    this.#rounds = new Coalescer((calls) => this.#round(calls), ONLINE_BATCH);
  }

  /** The outcome of a claim, or null when there is no pooled record this user may claim. */
  async claim(poolKey: string, actor: Actor): Promise<EventOutcome | null> {
    const call: Call = { poolKey, actor, passed: new Set() };
    for (let round = 0; round < CLAIM_NEXT_ROUNDS; round++) {
      const answer = await this.#rounds.submit(call);
      if (answer === 'none') return null;
      if (answer !== 'again') return answer;
    }
    return null;
  }

  async #round(calls: Call[]): Promise<(Answer | Error)[]> {
    const answers: (Answer | Error)[] = calls.map(() => 'again');
    const byPool = new Map<string, number[]>();
    calls.forEach((c, i) => byPool.set(c.poolKey, [...(byPool.get(c.poolKey) ?? []), i]));
    for (const [poolKey, indexes] of byPool) {
      try {
        await this.#poolRound(poolKey, indexes, calls, answers);
      } catch (e) {
        for (const i of indexes) answers[i] = e instanceof Error ? e : new Error(String(e));
      }
    }
    return answers;
  }

  async #poolRound(
    poolKey: string,
    indexes: number[],
    calls: Call[],
    answers: (Answer | Error)[],
  ): Promise<void> {
    const own = indexes.map((i) => calls[i] as Call);
    // Records every call here has passed over are not read at all.
    const [first, ...rest] = own.map((c) => c.passed);
    const passedByAll = [...(first ?? [])].filter((id) => rest.every((p) => p.has(id)));
    const wanted = own.reduce((n, c) => n + 1 + c.passed.size, 0);
    const limit = Math.min(CLAIM_NEXT_CANDIDATES, wanted + own.length);
    const candidates = await readPooled(this.db, this.clock, poolKey, limit, passedByAll);
    const exhausted = candidates.length < limit; // no more pooled records than these
    const now = candidates[0]?.now;
    if (now === undefined) {
      for (const i of indexes) answers[i] = 'none';
      return;
    }
    const users = [...new Set(own.map((c) => c.actor.id))];
    const claimants = new Map(
      (await readClaimants(this.db, poolKey, users, now)).map((c) => [c.userId, c]),
    );
    const taken = new Set<string>();
    const claiming = new Set<string>();
    const stepped: { index: number; stepped: Stepped }[] = [];
    for (const i of indexes) {
      const call = calls[i] as Call;
      // One claimant row moves once per statement: a second call of one user waits for the next round.
      if (claiming.has(call.actor.id)) continue;
      const claimant = claimants.get(call.actor.id);
      let found = false;
      let othersTook = false;
      for (const candidate of candidates) {
        if (taken.has(candidate.row.id)) othersTook = true;
        if (taken.has(candidate.row.id) || call.passed.has(candidate.row.id)) continue;
        try {
          const s = await this.steps.prepare(
            { ...candidate, ...(claimant ? { claimant } : {}) },
            call.actor,
          );
          stepped.push({ index: i, stepped: s });
          taken.add(candidate.row.id);
          claiming.add(call.actor.id);
          found = true;
          break;
        } catch (e) {
          if (!(e instanceof EngineError)) throw e;
          if (USER_REFUSALS.has(e.code)) {
            answers[i] = e;
            found = true;
            break;
          }
          call.passed.add(candidate.row.id);
        }
      }
      // A record another call of this round took may be free again if that call's write fails.
      if (!found) answers[i] = exhausted && !othersTook ? 'none' : 'again';
    }
    if (stepped.length === 0) return;
    const written = await writeEach(
      this.db,
      stepped.map((s) => s.stepped.outcome),
      this.metrics,
    );
    for (const [k, { index, stepped: s }] of stepped.entries()) {
      const w = written[k];
      if (w instanceof Error) answers[index] = w;
      else answers[index] = w ? await this.steps.finish(s) : 'again';
    }
  }
}
