// Draft autosave: a debounced PUT of the draft after each change; flush() saves at once; leaving
// the page with an unsaved edit asks first and sends the draft with a keepalive request.
import type { Policy } from '@poolflow/engine';
import { useCallback, useEffect, useRef, useState } from 'react';
import { saveDraft } from '../api/policies.api.js';

export type SaveStatus = 'saved' | 'pending' | 'saving' | 'error';

const DEBOUNCE_MS = 800;
/** Browsers refuse keepalive bodies over 64 KiB (all such requests of a page together). */
export const KEEPALIVE_LIMIT = 60_000;
/** Where the API client keeps the session's token (src/api/client.ts). */
const TOKEN_KEY = 'poolflow.token';

/**
 * Sends the draft with `keepalive` so the request survives the page; false when it is too large
 * for that (the beforeunload prompt is then the only guard).
 */
export function sendDraftOnExit(document: Policy): boolean {
  const body = JSON.stringify({ document });
  if (body.length > KEEPALIVE_LIMIT) return false;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = globalThis.localStorage?.getItem(TOKEN_KEY);
  if (token) headers['authorization'] = `Bearer ${token}`;
  void fetch(`/api/policies/${encodeURIComponent(document.id)}/draft`, {
    method: 'PUT',
    headers,
    body,
    keepalive: true,
  }).catch(() => undefined);
  return true;
}

export function useAutosave(policy: Policy): {
  status: SaveStatus;
  /** Why the last save failed (the runtime's refusal, worded where it is shown), else null. */
  error: unknown;
  flush: () => Promise<void>;
} {
  const [status, setStatus] = useState<SaveStatus>('saved');
  const [error, setError] = useState<unknown>(null);
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
        setError(e);
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

  // Reload or close while an edit is unsaved: the browser asks; if the user leaves, the draft goes
  // out in a request that outlives the page.
  useEffect(() => {
    const dirty = () => latest.current !== saved.current;
    const warn = (e: BeforeUnloadEvent) => {
      if (!dirty()) return;
      e.preventDefault();
      e.returnValue = '';
    };
    const hide = () => {
      if (!dirty()) return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      if (sendDraftOnExit(latest.current)) saved.current = latest.current;
    };
    window.addEventListener('beforeunload', warn);
    window.addEventListener('pagehide', hide);
    return () => {
      window.removeEventListener('beforeunload', warn);
      window.removeEventListener('pagehide', hide);
    };
  }, []);

  return { status, error, flush: save };
}
