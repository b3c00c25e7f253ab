// Claim rules as one pure check, shared by the simulator and the runtime (which passes locked counts).
import { EngineError } from './engine.error.js';
import type { CompiledPolicy } from './compile.js';
import { evaluate, truthy } from './logic/json-logic.js';
import type { ClaimantStats, Instance, JsonObject, PoolUser } from './types.js';

const DAY = 86_400_000;

export interface ClaimCheck {
  state: string;
  instance: Instance;
  entity: JsonObject;
  user: PoolUser;
  now: number;
  claimant: ClaimantStats;
}

/** Returns the refusal for a claim, or null when the claim may go ahead. */
export function checkClaim(compiled: CompiledPolicy, check: ClaimCheck): EngineError | null {
  const { instance, user, now, claimant } = check;
  if (!compiled.pooledStates.has(check.state)) {
    return new EngineError('POOL_ERR_TAKEN', 'the record is not in the pool (already taken)', {
      state: check.state,
      ownerId: instance.ownerId,
    });
  }
  const rules = compiled.policy.claim ?? {};
  if (rules.eligible !== undefined) {
    const data = { entity: check.entity, instance, user, now, event: { type: 'CLAIM' } };
    if (!truthy(evaluate(rules.eligible, data, compiled.rules))) {
      return new EngineError('POOL_ERR_NOT_ELIGIBLE', 'you are not eligible to claim this record', {
        tags: instance.tags,
      });
    }
  }
  if (rules.previousOwnerCooldownDays !== undefined) {
    const mine = instance.previousOwners.filter((p) => p.userId === user.id);
    const last = mine[mine.length - 1];
    if (last) {
      const until = last.releasedAt + rules.previousOwnerCooldownDays * DAY;
      if (now < until) {
        return new EngineError(
          'POOL_ERR_COOLDOWN',
          `previous owners may not reclaim until ${new Date(until).toISOString()}`,
          { until: new Date(until).toISOString() },
        );
      }
    }
  }
  if (rules.maxOwned !== undefined && claimant.owned >= rules.maxOwned) {
    return new EngineError(
      'POOL_ERR_CLAIM_LIMIT',
      `you already own ${claimant.owned} records (limit ${rules.maxOwned})`,
      {
        owned: claimant.owned,
        limit: rules.maxOwned,
      },
    );
  }
  if (rules.maxPerDay !== undefined && claimant.claimsToday >= rules.maxPerDay) {
    return new EngineError('POOL_ERR_DAILY_LIMIT', `you reached ${rules.maxPerDay} claims today`, {
      claimsToday: claimant.claimsToday,
      limit: rules.maxPerDay,
    });
  }
  return null;
}
