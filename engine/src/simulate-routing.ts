// The pool a simulated record is in: the scenario's entrance pool and its routing (routing.ts) on
// create and on release, and moves made by the policy's own moveToPool actions.
import type { CompiledPolicy } from './compile.js';
import { EngineError } from './engine.error.js';
import {
  compileRouting,
  notAdmitted,
  route,
  routeRelease,
  type CompiledRouting,
} from './routing.js';
import type { Scenario } from './schema.types.js';
import type { ExpectationFailure, SimulationResult, TraceEntry } from './simulator.js';
import type { JsonObject, StepResult } from './types.js';

export class SimulatedPool {
  readonly entrance: string;
  /** The pool the record is in. */
  current: string;
  /** The routing rule that last moved the record, or null. */
  routedBy: string | null = null;
  readonly #routing: CompiledRouting | null;

  constructor(
    private readonly policy: CompiledPolicy,
    scenario: Scenario,
  ) {
    this.entrance = scenario.pool ?? 'pool';
    this.current = this.entrance;
    this.#routing =
      scenario.routing === undefined
        ? null
        : compileRouting(scenario.routing, policy.rules, policy.policy);
  }

  /** Whether the trace says which pool the record is in (the scenario names a pool or a routing). */
  static shown(scenario: Scenario): boolean {
    return scenario.pool !== undefined || scenario.routing !== undefined;
  }

  /** Routes the started record: the refusal of an admission rule, or null once it is placed. */
  created(result: StepResult, entity: JsonObject, now: number): EngineError | null {
    this.moved(result);
    if (!this.#routing) return null;
    const decision = route(
      this.#routing,
      { entity, instance: result.snapshot.instance, now, event: { type: 'CREATE' } },
      'create',
    );
    if (decision === null) return null;
    if ('refused' in decision) return notAdmitted(decision.refused);
    this.current = decision.pool;
    this.routedBy = decision.rule;
    return null;
  }

  /**
   * A step as the runtime writes it: released while in the entrance pool, the release rules may add a
   * move (the routing is the entrance pool's; other pools' routing is not simulated).
   */
  stepped(
    result: StepResult,
    entity: JsonObject,
    now: number,
    event: { type: string; payload?: JsonObject },
  ): StepResult {
    let out = result;
    if (this.#routing && this.current === this.entrance) {
      const { result: routed, routed: by } = routeRelease(this.policy, this.#routing, result, {
        entity,
        now,
        event,
        recordId: 'sim',
      });
      out = routed;
      if (by) this.routedBy = by.rule;
    }
    this.moved(out);
    return out;
  }

  /** Checks a step's `pool` and `routedBy` expectations. */
  check(
    expect: Expectation,
    fail: (field: string, expected: unknown, actual: unknown) => void,
  ): void {
    if (expect.pool !== undefined && expect.pool !== this.current)
      fail('pool', expect.pool, this.current);
    if (expect.routedBy !== undefined && expect.routedBy !== this.routedBy)
      fail('routedBy', expect.routedBy, this.routedBy);
  }

  /**
   * The end of a story refused at the door: no step runs. The first step must expect the refusal
   * (`rejected`); without it, the refusal is the first step's failure.
   */
  refusedStory(scenario: Scenario, refused: EngineError, trace: TraceEntry[]): SimulationResult {
    const first = scenario.steps[0];
    const failures: ExpectationFailure[] =
      first === undefined || first.expect?.rejected === refused.code
        ? []
        : [
            {
              step: 0,
              at: first.at,
              field: 'rejected',
              expected: first.expect?.rejected ?? null,
              actual: refused.code,
              message: `the record was refused at the start: ${refused.message}`,
            },
          ];
    const start = trace[0] as TraceEntry;
    const final = { state: start.to, ownerId: start.ownerId, tags: start.tags, score: start.score };
    return { ok: failures.length === 0, trace, failures, final };
  }

  /** The last moveToPool effect of a step (the writer applies the last one) sets the pool. */
  private moved(result: StepResult): void {
    for (const e of result.effects)
      if (e.type === 'moveToPool' && typeof e.pool === 'string') this.current = e.pool;
  }
}

type Expectation = NonNullable<Scenario['steps'][number]['expect']>;
