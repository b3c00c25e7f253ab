// Draft autosave: a debounced PUT of the draft after each change; flush() saves at once.
import type { Policy } from '@poolflow/engine';
import { useCallback, useEffect, useRef, useState } from 'react';
import { saveDraft } from '../api/policies.api.js';

export type SaveStatus = 'saved' | 'pending' | 'saving' | 'error';

const DEBOUNCE_MS = 800;

export function useAutosave(policy: Policy): {
  status: SaveStatus;
  error: string | null;
  flush: () => Promise<void>;
} {
  const [status, setStatus] = useState<SaveStatus>('saved');
  const [error, setError] = useState<string | null>(null);
  const saved = useRef(policy);
  const latest = useRef(policy);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef<Promise<void>>(Promise.resolve());
  latest.current = policy;

  const save = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    // Saves run one after another so an older draft never lands after a newer one.
    inFlight.current = inFlight.current.then(async () => {
      const document = latest.current;
      if (document === saved.current) return;
      setStatus('saving');
      try {
        await saveDraft(document.id, document);
        saved.current = document;
        setError(null);
        setStatus(latest.current === document ? 'saved' : 'pending');
      } catch (e) {
        setError((e as Error).message);
        setStatus('error');
      }
    });
    return inFlight.current;
  }, []);

  useEffect(() => {
    if (policy === saved.current) return;
    setStatus('pending');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), DEBOUNCE_MS);
  }, [policy, save]);

  useEffect(
    () => () => {
      if (timer.current) {
        clearTimeout(timer.current);
        void save();
      }
    },
    [save],
  );

  return { status, error, flush: save };
}
