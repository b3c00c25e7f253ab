// Action registry: built-in and custom actions looked up by name, as XState's setup({actions}) binds them.
import type { EffectInput, Instance, JsonObject, PoolEvent, PoolUser } from './types.js';

export interface ActionContext {
  /** Draft of the record's instance fields; mutate it. */
  instance: Instance;
  /** Draft of the record's entity data; mutate it. */
  entity: JsonObject;
  event: PoolEvent;
  user: PoolUser | null;
  now: number;
  /** The record's id (the runtime's; `record` in a simulation). */
  recordId: string;
  /** Evaluates JSON-logic on this step's data ({entity, instance, event, user, now}) and rules. */
  evaluate(logic: unknown): unknown;
  /** Queues an effect for the runtime to carry out after commit. */
  emit(effect: EffectInput): void;
  /** The policy's `entity.maskedInPool`: fields only the owner and the pool's managers may read. */
  maskedInPool?: readonly string[];
  /** The policy's `entity.titleField`: names the record in a robot's default message. */
  titleField?: string;
  /** The policy's event labels by event type, for words in a robot's default message. */
  eventLabels?: Readonly<Record<string, { en: string; zh?: string } | undefined>>;
}

export interface ActionDefinition<P = JsonObject> {
  type: string;
  description?: string;
  /** JSON Schema of params: validated at publish, and rendered as the designer's form. */
  paramsSchema: JsonObject;
  run(ctx: ActionContext, params: P): void;
}

type AnyAction = ActionDefinition<never>;

export class ActionRegistry {
  readonly #actions = new Map<string, AnyAction>();

  register<P>(action: ActionDefinition<P>): ActionDefinition<P> {
    if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(action.type)) {
      throw new TypeError(`action type "${action.type}" must start with a letter`);
    }
    if (action.type.startsWith('pool.') || action.type.startsWith('xstate.')) {
      throw new TypeError(`action type "${action.type}" uses a reserved prefix`);
    }
    this.#actions.set(action.type, action);
    return action;
  }

  /**
   * Takes a custom action away again (a module unloaded, a test file done with it): policies naming it
   * no longer validate. Says whether it was there.
   */
  unregister(type: string): boolean {
    return this.#actions.delete(type);
  }

  get(type: string): ActionDefinition<JsonObject> | undefined {
    return this.#actions.get(type);
  }

  has(type: string): boolean {
    return this.#actions.has(type);
  }

  list(): ActionDefinition<JsonObject>[] {
    return [...this.#actions.values()];
  }
}

/** The process-wide registry that compile() and validate() use. */
export const actions = new ActionRegistry();

/** Registers a custom action; policies may then reference it by `type`. */
export function defineAction<P = JsonObject>(action: ActionDefinition<P>): ActionDefinition<P> {
  return actions.register(action);
}
