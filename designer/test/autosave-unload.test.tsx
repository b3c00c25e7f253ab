// @vitest-environment jsdom
// Leaving the editor with an unsaved edit: the browser asks first, and the draft goes out with keepalive.
import type { Policy } from '@poolflow/engine';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEEPALIVE_LIMIT, useAutosave } from '../src/pages/use-autosave.js';
import { crm } from './fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function Editor({ policy }: { policy: Policy }) {
  const save = useAutosave(policy);
  return <div data-testid="status">{save.status}</div>;
}

/** The server: answers every PUT after `release()` is called; records each request. */
function slowServer() {
  const requests: { url: string; init: RequestInit }[] = [];
  const waiting: (() => void)[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit) => {
      requests.push({ url, init });
      return new Promise<Response>((resolve) =>
        waiting.push(() => resolve(new Response(init.body as string, { status: 200 }))),
      );
    }),
  );
  return {
    requests,
    release: () => waiting.splice(0).forEach((answer) => answer()),
  };
}

/** Dispatches beforeunload as a reload does; true when the page asked to stay. */
function leaving(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

describe('unsaved draft on reload', () => {
  it('asks before leaving while an edit is pending or saving, not once it is saved', async () => {
    vi.useFakeTimers();
    const server = slowServer();
    const original = crm();
    const view = render(<Editor policy={original} />);
    expect(leaving()).toBe(false);
    const edited = { ...original, description: { en: 'Edited' } };
    view.rerender(<Editor policy={edited} />);
    // Pending: the debounce has not run yet.
    expect(leaving()).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(1000));
    // Saving: the PUT is on its way.
    expect(server.requests).toHaveLength(1);
    expect(view.getByTestId('status').textContent).toBe('saving');
    expect(leaving()).toBe(true);
    await act(async () => {
      server.release();
      await vi.runAllTimersAsync();
    });
    expect(view.getByTestId('status').textContent).toBe('saved');
    expect(leaving()).toBe(false);
  });

  it('sends the unsaved draft with keepalive when the page goes away', () => {
    const server = slowServer();
    const original = crm();
    const view = render(<Editor policy={original} />);
    window.dispatchEvent(new Event('pagehide'));
    // Nothing unsaved: nothing sent.
    expect(server.requests).toHaveLength(0);
    const edited = { ...original, description: { en: 'Edited just before reload' } };
    view.rerender(<Editor policy={edited} />);
    window.dispatchEvent(new Event('pagehide'));
    expect(server.requests).toHaveLength(1);
    const [{ url, init }] = server.requests;
    expect(url).toBe('/api/policies/crm-customer-pool/draft');
    expect(init.method).toBe('PUT');
    expect(init.keepalive).toBe(true);
    expect(JSON.parse(init.body as string)).toEqual({ document: edited });
    // Sent once: the debounced save does not send it again, and leaving no longer asks.
    expect(leaving()).toBe(false);
  });

  it('keeps asking when the draft is too large for a keepalive request', () => {
    const server = slowServer();
    const original = crm();
    const view = render(<Editor policy={original} />);
    const huge = { ...original, description: { en: 'x'.repeat(KEEPALIVE_LIMIT) } };
    view.rerender(<Editor policy={huge} />);
    window.dispatchEvent(new Event('pagehide'));
    expect(server.requests).toHaveLength(0);
    expect(leaving()).toBe(true);
  });
});
