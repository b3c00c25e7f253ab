// The moveToPool effects of a write batch, checked against the pools just before the batch is written:
// a record moves only where move-target.ts allows (as routing rules and the manual move), else it stays.
import type { Effect } from '@poolflow/engine';
import type { Knex } from 'knex';
import { moveTargetProblem, moveTargets } from './move-target.js';
import type { RowSet } from './row-set.js';

/** A record's move as added: where its row and the history row of the step that asked for it are. */
interface PendingMove {
  recordId: string;
  created: boolean;
  row: number;
  history: number;
  payload: unknown;
  from: string;
  to: string;
  policyId: string;
}

/** Where a batch keeps what a skipped move changes: the record rows and the history rows. */
export interface MoveRows {
  created: RowSet;
  updated: RowSet;
  history: RowSet;
}

export class PendingMoves {
  readonly #moves: PendingMove[] = [];

  get length(): number {
    return this.#moves.length;
  }

  /** Drops the moves after the first `length` (an outcome that could not be added). */
  truncate(length: number): void {
    this.#moves.length = Math.min(this.#moves.length, length);
  }

  /**
   * Notes the last moveToPool of a record's steps (the last move wins, as when moves were applied one
   * after another), before its rows are added to `rows`; returns the pool it names, if any.
   */
  note(
    o: { recordId: string; poolKey: string; created?: boolean },
    steps: { result: { effects: Effect[] }; payload: unknown }[],
    policyId: string,
    rows: MoveRows,
  ): string | undefined {
    let to: string | undefined;
    let step = -1;
    steps.forEach((s, i) => {
      for (const e of s.result.effects) {
        if (e.type !== 'moveToPool') continue;
        to = (e as Extract<Effect, { type: 'moveToPool' }>).pool;
        step = i;
      }
    });
    if (to === undefined) return undefined;
    this.#moves.push({
      recordId: o.recordId,
      created: o.created === true,
      row: (o.created ? rows.created : rows.updated).length,
      history: rows.history.length + step,
      payload: steps[step]?.payload,
      from: o.poolKey,
      to,
      policyId,
    });
    return to;
  }

  /**
   * Skips every move the rule refuses: the record stays where it is, and the history row of the step
   * that asked for it says `moveSkipped: {pool, reason}`. One read of the pools named, only when some
   * record moves. Returns the skipped moves' records and the pools they stay in.
   */
  async check(
    db: Knex | Knex.Transaction,
    rows: MoveRows,
  ): Promise<{ recordId: string; pool: string }[]> {
    if (this.#moves.length === 0) return [];
    const skipped: { recordId: string; pool: string }[] = [];
    const pools = await moveTargets(db, [
      ...this.#moves.map((m) => m.from),
      ...this.#moves.map((m) => m.to),
    ]);
    for (const m of this.#moves) {
      const from = pools.get(m.from);
      const problem = from
        ? moveTargetProblem(
            { department_id: from.department_id, policy_id: m.policyId },
            m.to,
            pools.get(m.to),
          )
        : `no pool named "${m.from}"`;
      if (problem === null) continue;
      (m.created ? rows.created : rows.updated).set(m.row, 'move_to', null);
      rows.history.set(m.history, 'payload', {
        ...(m.payload as object | null),
        moveSkipped: { pool: m.to, reason: problem },
      });
      skipped.push({ recordId: m.recordId, pool: m.from });
    }
    this.#moves.length = 0;
    return skipped;
  }
}
