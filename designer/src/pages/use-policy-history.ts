// The edited policy with undo/redo; rapid edits of one field coalesce into a single undo step.
import type { Policy } from '@poolflow/engine';
import { useCallback, useReducer } from 'react';

interface History {
  past: Policy[];
  present: Policy;
  future: Policy[];
  lastKey: string | null;
  lastAt: number;
}

type Action =
  | { type: 'set'; policy: Policy; key: string | null; at: number }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'reset'; policy: Policy };

const LIMIT = 200;
const COALESCE_MS = 1000;

export function historyReducer(state: History, action: Action): History {
  switch (action.type) {
    case 'set': {
      if (action.policy === state.present) return state;
      const coalesce =
        action.key !== null &&
        action.key === state.lastKey &&
        action.at - state.lastAt < COALESCE_MS;
      return {
        past: coalesce ? state.past : [...state.past, state.present].slice(-LIMIT),
        present: action.policy,
        future: [],
        lastKey: action.key,
        lastAt: action.at,
      };
    }
    case 'undo': {
      const previous = state.past[state.past.length - 1];
      if (!previous) return state;
      return {
        past: state.past.slice(0, -1),
        present: previous,
        future: [state.present, ...state.future],
        lastKey: null,
        lastAt: 0,
      };
    }
    case 'redo': {
      const [next, ...rest] = state.future;
      if (!next) return state;
      return {
        past: [...state.past, state.present],
        present: next,
        future: rest,
        lastKey: null,
        lastAt: 0,
      };
    }
    case 'reset':
      return { past: [], present: action.policy, future: [], lastKey: null, lastAt: 0 };
  }
}

export interface PolicyHistory {
  policy: Policy;
  /** Replaces the policy; edits with the same `key` within a second share one undo step. */
  update: (policy: Policy, key?: string) => void;
  undo: () => void;
  redo: () => void;
  reset: (policy: Policy) => void;
  canUndo: boolean;
  canRedo: boolean;
}

export function usePolicyHistory(initial: Policy): PolicyHistory {
  const [state, dispatch] = useReducer(historyReducer, {
    past: [],
    present: initial,
    future: [],
    lastKey: null,
    lastAt: 0,
  });
  const update = useCallback(
    (policy: Policy, key?: string) =>
      dispatch({ type: 'set', policy, key: key ?? null, at: Date.now() }),
    [],
  );
  const undo = useCallback(() => dispatch({ type: 'undo' }), []);
  const redo = useCallback(() => dispatch({ type: 'redo' }), []);
  const reset = useCallback((policy: Policy) => dispatch({ type: 'reset', policy }), []);
  return {
    policy: state.present,
    update,
    undo,
    redo,
    reset,
    canUndo: state.past.length > 0,
    canRedo: state.future.length > 0,
  };
}
