// What a pool upgrade would do, computed without writing: records per (version, state) and where they go,
// problems, and (for the dry run) how the moving records' timers change. Counts come from GROUP BY; the
// timers are compared per distinct (version, state, entered-state time, timers) in one pass over the rows.
import {
  EngineError,
  mapState,
  migrateTimers,
  type CompiledPolicy,
  type Instance,
  type PendingTimer,
  type TimersMode,
} from '@poolflow/engine';
import type { Knex } from 'knex';
import { eachBatch, inSnapshot } from '../db/cursor.js';
import type { PolicyStore } from './policy-store.js';

export interface UpgradeRequest {
  toVersion: number;
  stateMap?: Record<string, string>;
  timers?: TimersMode;
  dryRun?: boolean;
}

export interface UpgradeMove {
  fromVersion: number;
  fromState: string;
  toState: string;
  records: number;
}

export interface UpgradeProblem {
  code: string;
  message: string;
  state?: string;
  fromVersion?: number;
  records?: number;
}

export interface UpgradePlan {
  moves: UpgradeMove[];
  problems: UpgradeProblem[];
  total: number;
  fromVersions: number[];
}

export interface UpgradePreview extends UpgradePlan {
  toVersion: number;
  timers: { earlier: number; later: number; unchanged: number; added: number; removed: number };
  /** Records with a timer due at once under the new version (it runs on the next sweep). */
  dueAtOnce: number;
  /** The same records counted per delay (a record may count under several). */
  dueAtOnceByDelay: Record<string, number>;
  /** The dry run's only: records that would share a unique value with another (upgrade-keys.ts). */
  duplicates?: number;
}

/** The records an upgrade moves: the pool's, of its policy, running, on an older version. */
export const moving = (r = 'records'): string =>
  `${r}.pool_key = ? AND ${r}.policy_id = ? AND NOT ${r}.done AND ${r}.policy_version < ?`;

/** Records per (version, state) and where each group goes; a group that cannot go is a problem. */
export async function planUpgrade(
  db: Knex | Knex.Transaction,
  policies: PolicyStore,
  pool: { key: string; policy_id: string },
  to: CompiledPolicy,
  stateMap: Record<string, string>,
): Promise<UpgradePlan> {
  const { rows } = await db.raw<{ rows: { v: number; state: string; n: number }[] }>(
    `SELECT policy_version AS v, state, count(*)::int AS n FROM records WHERE ${moving()}
     GROUP BY policy_version, state ORDER BY policy_version, state`,
    [pool.key, pool.policy_id, to.policy.version],
  );
  const moves: UpgradeMove[] = [];
  const problems: UpgradeProblem[] = [];
  for (const { v, state, n } of rows) {
    const from = await policies.get(pool.policy_id, v, db);
    const target = mapState(from, to, state, stateMap);
    if ('problem' in target)
      problems.push({ ...target.problem, state, fromVersion: v, records: n });
    else moves.push({ fromVersion: v, fromState: state, toState: target.toState, records: n });
  }
  // A mapping to a state the new version lacks is a mistake even when no record uses it today.
  const states = to.policy.machine.states;
  for (const [from, target] of Object.entries(stateMap)) {
    if (rows.some((r) => r.state === from) || Object.prototype.hasOwnProperty.call(states, target))
      continue;
    problems.push({
      code: 'state-invalid',
      message: `state "${from}" is mapped to "${target}", which version ${to.policy.version} does not have`,
      state: from,
      records: 0,
    });
  }
  // A key that names no state of any version up to the target is a typo: its records would stay unmapped.
  const unknown = Object.keys(stateMap).filter((from) => !rows.some((r) => r.state === from));
  if (unknown.length > 0) {
    const { rows: known } = await db.raw<{ rows: { state: string }[] }>(
      `SELECT DISTINCT json_object_keys(document -> 'machine' -> 'states') AS state
       FROM policy_versions WHERE policy_id = ? AND version <= ?`,
      [pool.policy_id, to.policy.version],
    );
    const names = new Set(known.map((k) => k.state));
    for (const from of unknown.filter((s) => !names.has(s))) {
      problems.push({
        code: 'state-invalid',
        message: `stateMap names state "${from}", which no version of ${pool.policy_id} up to ${to.policy.version} has`,
        state: from,
        records: 0,
      });
    }
  }
  return {
    moves,
    problems,
    total: rows.reduce((sum, r) => sum + r.n, 0),
    fromVersions: [...new Set(rows.map((r) => r.v))],
  };
}

/** Delays that read nothing but the time of entry: their due times need no record data. */
function readsOnlyEntryTime(to: CompiledPolicy, state: string): boolean {
  const delays = to.policy.delays ?? {};
  return Object.keys(to.policy.machine.states[state]?.after ?? {}).every((name) => {
    const text = JSON.stringify(delays[name] ?? {});
    return !text.includes('"var"') && !text.includes('"rule"');
  });
}

interface TimerRow {
  v: number;
  state: string;
  entered: string | null;
  timers: string | null;
  data: Record<string, unknown> | null;
  instance: string | null;
}

/** Records a dry run reads at once (README: limits): its memory does not grow with the pool. */
export const DRY_RUN_BATCH = 5000;

// The moving records: for those whose new state's delays read only the entry time, that time and their
// timers (grouped per batch: records imported together have the same); the others with their data. Not
// grouped in SQL: a cursor's GROUP BY reads every record before the first group comes back, where rows
// come back as the scan goes, and each batch is worked out while the database reads the next.
const LIGHT = `SELECT policy_version AS v, state, snapshot->'instance'->>'enteredStateAt' AS entered,
    snapshot->>'timers' AS timers, NULL AS data, NULL AS instance
  FROM records WHERE ${moving()} AND policy_version || ':' || state = ANY(?)`;
const WHOLE = `SELECT policy_version AS v, state, NULL AS entered, snapshot->>'timers' AS timers, data,
    snapshot->>'instance' AS instance
  FROM records WHERE ${moving()} AND policy_version || ':' || state = ANY(?)`;

/** A batch's rows as groups of equal inputs, each with its count (rows read whole count one each). */
function groupsOf(rows: TimerRow[]): { row: TimerRow; n: number }[] {
  const groups = new Map<string, { row: TimerRow; n: number }>();
  const each: { row: TimerRow; n: number }[] = [];
  for (const row of rows) {
    if (row.entered === null) {
      each.push({ row, n: 1 });
      continue;
    }
    const key = `${row.v}\u0000${row.state}\u0000${row.entered}\u0000${row.timers}`;
    const group = groups.get(key);
    if (group) group.n++;
    else groups.set(key, { row, n: 1 });
  }
  return [...groups.values(), ...each];
}

/**
 * The dry run: the plan plus the moving records' timers under the new version, read through a cursor
 * `batch` rows at a time (in a read-only transaction of its own, repeatable read, unless in the caller's).
 * A record whose delay fails to evaluate is a `timer-error` problem.
 */
export async function previewUpgrade(
  db: Knex | Knex.Transaction,
  policies: PolicyStore,
  pool: { key: string; policy_id: string },
  to: CompiledPolicy,
  request: UpgradeRequest,
  now: number,
  batch = DRY_RUN_BATCH,
): Promise<UpgradePreview> {
  if (!db.isTransaction)
    return inSnapshot(db, (trx) => previewUpgrade(trx, policies, pool, to, request, now, batch));
  const stateMap = request.stateMap ?? {};
  const mode = request.timers ?? 'recompute';
  const plan = await planUpgrade(db, policies, pool, to, stateMap);
  const timers = { earlier: 0, later: 0, unchanged: 0, added: 0, removed: 0 };
  const dueAtOnceByDelay: Record<string, number> = {};
  let dueAtOnce = 0;
  const light: string[] = [];
  const whole: string[] = [];
  for (const m of plan.moves)
    (readsOnlyEntryTime(to, m.toState) ? light : whole).push(`${m.fromVersion}:${m.fromState}`);
  const targets = new Map(plan.moves.map((m) => [`${m.fromVersion}:${m.fromState}`, m.toState]));
  const failed = new Map<string, UpgradeProblem>();
  const tally = async (g: TimerRow, n: number): Promise<void> => {
    const from = await policies.get(pool.policy_id, g.v, db);
    const toState = targets.get(`${g.v}:${g.state}`) as string;
    const instance = (
      g.instance ? JSON.parse(g.instance) : { enteredStateAt: Number(g.entered) }
    ) as Instance;
    let changes;
    try {
      ({ timerChanges: changes } = migrateTimers(from, to, {
        fromState: g.state,
        toState,
        timers: JSON.parse(g.timers ?? '{}') as Record<string, PendingTimer>,
        data: { entity: g.data ?? {}, instance },
        mode,
        now,
      }));
    } catch (e) {
      const key = `${g.v}:${g.state}`;
      const problem = failed.get(key) ?? {
        code: 'timer-error',
        message: `a delay of state "${toState}" fails: ${e instanceof EngineError ? e.message : String(e)}`,
        state: g.state,
        fromVersion: g.v,
        records: 0,
      };
      problem.records = (problem.records ?? 0) + n;
      failed.set(key, problem);
      return;
    }
    let due = false;
    for (const c of changes) {
      if (c.before === null) timers.added += n;
      else if (c.after === null) timers.removed += n;
      else if (c.after < c.before) timers.earlier += n;
      else if (c.after > c.before) timers.later += n;
      else timers.unchanged += n;
      // Due at once because of the upgrade: a timer not yet due before, due by now under the new version.
      if (c.after !== null && c.after <= now && (c.before === null || c.before > now)) {
        due = true;
        dueAtOnceByDelay[c.delay] = (dueAtOnceByDelay[c.delay] ?? 0) + n;
      }
    }
    if (due) dueAtOnce += n;
  };
  const params = [pool.key, pool.policy_id, to.policy.version];
  for (const [sql, states] of [
    [LIGHT, light],
    [WHOLE, whole],
  ] as const) {
    if (states.length === 0) continue;
    await eachBatch<TimerRow>(
      db as Knex.Transaction,
      sql,
      [...params, states],
      batch,
      async (rows) => {
        for (const { row, n } of groupsOf(rows)) await tally(row, n);
      },
    );
  }
  return {
    ...plan,
    problems: [...plan.problems, ...failed.values()],
    toVersion: to.policy.version,
    timers,
    dueAtOnce,
    dueAtOnceByDelay,
  };
}
