// Action types a policy may use, with their params schemas: the engine's built-ins plus any custom
// actions the server lists at GET /api/actions (when that route exists).
import { actions, defineAction } from '@poolflow/engine';
import type { ActionList } from './api.types.js';
import { api } from './client.js';

export interface ActionType {
  type: string;
  description?: string;
  paramsSchema: Record<string, unknown>;
}

export function builtinActionTypes(): ActionType[] {
  return actions.list().map((a) => {
    const item: ActionType = { type: a.type, paramsSchema: a.paramsSchema };
    if (a.description !== undefined) item.description = a.description;
    return item;
  });
}

export async function loadActionTypes(): Promise<ActionType[]> {
  const known = builtinActionTypes();
  try {
    const reply = await api<Partial<ActionList>>('GET', '/api/actions');
    for (const item of reply.items ?? []) {
      if (item && typeof item.type === 'string' && !known.some((k) => k.type === item.type)) {
        const paramsSchema = item.paramsSchema ?? { type: 'object' };
        known.push({ ...item, paramsSchema });
        // Registered in the browser's engine so validate() knows it; the simulator runs it as a no-op.
        if (!actions.has(item.type)) defineAction({ type: item.type, paramsSchema, run: () => {} });
      }
    }
  } catch {
    // No action catalogue on this server: built-ins only.
  }
  return known;
}
