// Runs a scenario on the real engine with simulated time: due timers fire in order between steps.
import { compile, type CompiledPolicy } from './compile.js';
import { addDuration } from './duration.js';
import { EngineError } from './engine.error.js';
import { scaledBudget, withinBudget } from './logic/budget.js';
import type { Policy, Scenario } from './schema.types.js';
import { checkScenario, DEFAULT_START, SIMULATION_LIMITS } from './scenario-check.js';
import { SimulatedAudits, verdictStep } from './simulator-audit.js';
import { SimulatedPool } from './simulate-routing.js';
import { start, step } from './step.js';
import type { Audience, Effect, JsonObject, PoolSnapshot, PoolUser } from './types.js';

export { checkScenario, SIMULATION_LIMITS };

export interface TraceEntry {
  at: string;
  /** Index of the scenario step, or null for a timer that fired between steps. */
  step: number | null;
  trigger: string;
  actor: string | null;
  from: string;
  to: string;
  ownerId: string | null;
  tags: string[];
  score: number;
  /**
   * Who each notification reached: its users and the scenario's users in its group (`audience`:
   * pool managers, members…, kept so a group nobody in the scenario belongs to can be named).
   */
  notified: { to: string[]; kind: string; message: string; audience?: Audience }[];
  rejected?: { code: string; message: string };
  effects: Effect[];
}

export interface ExpectationFailure {
  step: number;
  at: string;
  field: string;
  expected: unknown;
  actual: unknown;
  message: string;
}

export interface SimulationResult {
  ok: boolean;
  trace: TraceEntry[];
  failures: ExpectationFailure[];
  final: { state: string; ownerId: string | null; tags: string[]; score: number };
}

function overSimulationBudget(what: string, trace: readonly TraceEntry[]): never {
  throw new EngineError('POOL_ERR_RULE_BUDGET', `the simulation exceeded its budget: ${what}`, {
    limit: what,
    traceEntries: trace.length,
    lastAt: trace[trace.length - 1]?.at ?? null,
  });
}
const DAY = 86_400_000;

/** When a refusal says the step becomes allowed (its details' `until`), normalised to ISO; else null. */
function untilOf(rejected: EngineError | undefined): string | null {
  const details = rejected?.details;
  if (details === null || typeof details !== 'object' || !('until' in details)) return null;
  const ms = Date.parse(String(details.until));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function dayOf(ts: number): number {
  return Math.floor(ts / DAY);
}

/**
 * Simulates one record's life. `policy` may be a document or an already compiled policy. The whole
 * simulation runs under SIMULATION_LIMITS and one rule budget (SIMULATION_LIMITS.ruleBudgets times
 * the engine's): past either, POOL_ERR_RULE_BUDGET.
 */
export function simulate(policy: Policy | CompiledPolicy, scenario: Scenario): SimulationResult {
  try {
    return withinBudget(
      () => simulateUnbudgeted(policy, scenario),
      scaledBudget(SIMULATION_LIMITS.ruleBudgets),
    );
  } catch (e) {
    if (!(e instanceof EngineError) || e.code !== 'POOL_ERR_RULE_BUDGET') throw e;
    if (e.message.startsWith('the simulation')) throw e;
    // The rule budget is the whole simulation's: say so, or a cheap rule would look guilty.
    throw new EngineError(
      'POOL_ERR_RULE_BUDGET',
      `the simulation exceeded its rule budget (${SIMULATION_LIMITS.ruleBudgets} times one evaluation's): ${e.message}`,
      e.details,
    );
  }
}

function simulateUnbudgeted(policy: Policy | CompiledPolicy, scenario: Scenario): SimulationResult {
  const problems = checkScenario(scenario);
  if (problems.length > 0) {
    throw new EngineError(
      'POOL_ERR_INVALID_PAYLOAD',
      `scenario is invalid: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      problems,
    );
  }
  const compiled = 'machine' in policy && 'pooledStates' in policy ? policy : compile(policy);
  const t0 = Date.parse(scenario.start ?? DEFAULT_START);
  const users = scenario.users ?? {};
  const audits = new SimulatedAudits(users);
  const userOf = (id: string | undefined, now = t0): PoolUser | null => {
    if (id === undefined) return null;
    const u = users[id];
    return { id, attributes: u?.attributes ?? {}, integrity: audits.integrityOf(id, now) };
  };
  // The single-record world's pool is the scenario's users: a group notification reaches those of them
  // the runtime would pick from the pool's members (roles and attributes as the scenario sets them).
  const audienceOf = (audience: Audience): string[] =>
    Object.entries(users)
      .filter(([, u]) => {
        if (audience === 'poolMembers') return true;
        if (audience === 'poolManagers') return u.roles?.includes('manager') === true;
        if (audience === 'departmentAdmins') return u.roles?.includes('departmentAdmin') === true;
        return u.attributes?.[audience.attribute] === audience.equals;
      })
      .map(([id]) => id);
  // The single-record world: each user's other holdings and claims today, as the scenario sets them.
  const claimsByDay = new Map<string, number>();
  const claimsToday = (userId: string, now: number): number =>
    (users[userId]?.claimsToday ?? 0) * (dayOf(now) === dayOf(t0) ? 1 : 0) +
    (claimsByDay.get(`${userId}:${dayOf(now)}`) ?? 0);

  const trace: TraceEntry[] = [];
  const failures: ExpectationFailure[] = [];
  let entity: JsonObject = structuredClone(scenario.entity ?? {});
  const owner = scenario.owner === undefined ? undefined : scenario.owner;
  const first = start(compiled, {
    entity,
    now: t0,
    ownerId: owner === undefined ? null : owner,
    user: owner ? userOf(owner) : null,
    recordId: 'sim',
  });
  let snapshot: PoolSnapshot = first.snapshot;
  entity = first.record.entity;
  const pools = new SimulatedPool(compiled, scenario);
  const refused = pools.created(first, entity, t0);
  let notifiedSince: string[] = [];
  const push = (entry: Omit<TraceEntry, 'notified'> & { effects: Effect[] }): void => {
    // A group notification used to show no one in the trace (escalation to the pool managers read
    // "Notified: (Escalation)") although the expectations counted the group's users.
    const notified = entry.effects
      .filter((e): e is Extract<Effect, { type: 'notify' }> => e.type === 'notify')
      .map((e) => {
        const audience = 'audience' in e ? (e.audience as Audience | undefined) : undefined;
        const base = { kind: e.kind, message: e.message.en };
        if (audience === undefined) return { ...base, to: e.to };
        return { ...base, to: [...new Set([...e.to, ...audienceOf(audience)])], audience };
      });
    for (const n of notified) notifiedSince.push(...n.to);
    if (trace.length >= SIMULATION_LIMITS.maxTraceEntries) {
      overSimulationBudget(`more than ${SIMULATION_LIMITS.maxTraceEntries} trace entries`, trace);
    }
    trace.push({ ...entry, notified });
  };
  push({
    at: new Date(t0).toISOString(),
    step: null,
    trigger: 'start',
    actor: owner ?? null,
    from: '',
    to: snapshot.value,
    ownerId: snapshot.instance.ownerId,
    tags: snapshot.instance.tags,
    score: first.record.score,
    effects: first.effects,
    ...(refused ? { rejected: { code: refused.code, message: refused.message } } : {}),
  });
  if (refused) return pools.refusedStory(scenario, refused, trace);

  let firings = 0;
  const fireTimersUntil = (until: number): void => {
    for (;;) {
      const due = Object.entries(snapshot.timers)
        .filter(([, t]) => t.dueAt <= until)
        .sort((a, b) => a[1].dueAt - b[1].dueAt || a[0].localeCompare(b[0]))[0];
      if (!due) return;
      if (++firings > SIMULATION_LIMITS.maxTimerFirings) {
        overSimulationBudget(`more than ${SIMULATION_LIMITS.maxTimerFirings} timer firings`, trace);
      }
      const [timerKey, timer] = due;
      const r = pools.stepped(
        step(
          compiled,
          snapshot,
          { type: timerKey, timerKey, dueAt: timer.dueAt },
          { entity, now: timer.dueAt, recordId: 'sim' },
        ),
        entity,
        timer.dueAt,
        { type: timerKey },
      );
      snapshot = r.snapshot;
      entity = r.record.entity;
      push({
        at: new Date(timer.dueAt).toISOString(),
        step: null,
        trigger: `timer ${timer.delay}`,
        actor: null,
        from: r.from,
        to: snapshot.value,
        ownerId: snapshot.instance.ownerId,
        tags: snapshot.instance.tags,
        score: r.record.score,
        effects: r.effects,
      });
    }
  };

  scenario.steps.forEach((s, index) => {
    const at = addDuration(t0, s.at);
    fireTimersUntil(at);
    let rejected: EngineError | undefined;
    let audited = false;
    let revoked: boolean | undefined;
    if (s.event) {
      const user = userOf(s.actor, at);
      const owned = s.actor
        ? (users[s.actor]?.owned ?? 0) + (snapshot.instance.ownerId === s.actor ? 1 : 0)
        : 0;
      try {
        const event =
          s.event.payload === undefined
            ? { type: s.event.type }
            : { type: s.event.type, payload: s.event.payload };
        const stepped = step(compiled, snapshot, event, {
          entity,
          now: at,
          user,
          recordId: 'sim',
          claimant: { owned, claimsToday: s.actor ? claimsToday(s.actor, at) : 0 },
        });
        const r = pools.stepped(stepped, entity, at, event);
        if (s.event.type === 'CLAIM' && s.actor) {
          const key = `${s.actor}:${dayOf(at)}`;
          claimsByDay.set(key, (claimsByDay.get(key) ?? 0) + 1);
        }
        snapshot = r.snapshot;
        entity = r.record.entity;
        audits.stepped(r, s.actor ?? null);
        audited = r.audit !== undefined;
        push({
          at: new Date(at).toISOString(),
          step: index,
          trigger: s.event.type,
          actor: s.actor ?? null,
          from: r.from,
          to: snapshot.value,
          ownerId: snapshot.instance.ownerId,
          tags: snapshot.instance.tags,
          score: r.record.score,
          effects: r.effects,
        });
      } catch (e) {
        // A refused event is part of the story; a rule over budget ends the simulation.
        if (!(e instanceof EngineError) || e.code === 'POOL_ERR_RULE_BUDGET') throw e;
        rejected = e;
        push({
          at: new Date(at).toISOString(),
          step: index,
          trigger: s.event.type,
          actor: s.actor ?? null,
          from: snapshot.value,
          to: snapshot.value,
          ownerId: snapshot.instance.ownerId,
          tags: snapshot.instance.tags,
          score: trace[trace.length - 1]?.score ?? 0,
          effects: [],
          rejected: { code: e.code, message: e.message },
        });
      }
    }
    if (s.audit) {
      const from = snapshot.value;
      const v = verdictStep(audits, compiled, snapshot, entity, s.audit.verdict, at);
      ({ rejected, revoked, snapshot } = v);
      push({
        at: new Date(at).toISOString(),
        step: index,
        trigger: `AUDIT ${s.audit.verdict}`,
        actor: s.actor ?? null,
        from,
        to: snapshot.value,
        ownerId: snapshot.instance.ownerId,
        tags: snapshot.instance.tags,
        score: trace[trace.length - 1]?.score ?? 0,
        effects: v.effects,
        ...(rejected ? { rejected: { code: rejected.code, message: rejected.message } } : {}),
      });
    }
    const expect = s.expect;
    const fail = (field: string, expected: unknown, actual: unknown): void => {
      failures.push({
        step: index,
        at: s.at,
        field,
        expected,
        actual,
        message: `step ${index} (${s.at}${s.event ? ` ${s.event.type}` : ''}): expected ${field} ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
      });
    };
    if (expect) {
      if (expect.state !== undefined && expect.state !== snapshot.value)
        fail('state', expect.state, snapshot.value);
      if (expect.ownerId !== undefined && expect.ownerId !== snapshot.instance.ownerId)
        fail('ownerId', expect.ownerId, snapshot.instance.ownerId);
      for (const tag of expect.tagsInclude ?? []) {
        if (!snapshot.instance.tags.includes(tag)) fail('tagsInclude', tag, snapshot.instance.tags);
      }
      for (const tag of expect.tagsExclude ?? []) {
        if (snapshot.instance.tags.includes(tag)) fail('tagsExclude', tag, snapshot.instance.tags);
      }
      if (expect.rejected !== undefined && expect.rejected !== rejected?.code)
        fail('rejected', expect.rejected, rejected?.code ?? null);
      pools.check(expect, fail);
      if (expect.until !== undefined) {
        const want = new Date(addDuration(t0, expect.until)).toISOString();
        const got = untilOf(rejected);
        if (got !== want) fail('until', want, got);
      }
      if (expect.audited !== undefined && expect.audited !== audited)
        fail('audited', expect.audited, audited);
      if (expect.revoked !== undefined && expect.revoked !== revoked)
        fail('revoked', expect.revoked, revoked ?? null);
      if (expect.notified !== undefined) {
        const got = [...new Set(notifiedSince)].sort();
        const want = [...new Set(expect.notified)].sort();
        if (JSON.stringify(got) !== JSON.stringify(want)) fail('notified', want, got);
      }
      if (expect.score !== undefined) {
        const score = trace[trace.length - 1]?.score ?? 0;
        if (
          (expect.score.min !== undefined && score < expect.score.min) ||
          (expect.score.max !== undefined && score > expect.score.max)
        ) {
          fail('score', expect.score, score);
        }
      }
    }
    if (rejected && expect?.rejected === undefined) fail('rejected', null, rejected.code);
    notifiedSince = [];
  });
  const last = trace[trace.length - 1];
  return {
    ok: failures.length === 0,
    trace,
    failures,
    final: {
      state: snapshot.value,
      ownerId: snapshot.instance.ownerId,
      tags: snapshot.instance.tags,
      score: last?.score ?? 0,
    },
  };
}
