// @vitest-environment jsdom
// Where the workspace lands: an address without a pool falls back to the first pool, but a link
// followed while the pools were still loading (its hashchange not yet handled) is kept. Seen in CI as
// the rep's record page turning into the pool list right after login.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../src/i18n/i18n.js';
import { WorkspacePage } from '../src/workspace/workspace-page.js';
import { CRM_POOL, ME } from './workspace-fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.location.hash = '';
});

/** A fetch whose pool list answers only when `answer()` is called; every other request never does. */
function stubPoolList() {
  let answer = () => undefined as void;
  const asked = new Promise<void>((resolve) => {
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string) => {
        if (url === '/api/pools') {
          resolve();
          return new Promise<Response>((reply) => {
            // A reply read in microtasks only, so one macrotask later the page has handled it.
            const text = JSON.stringify({ items: [CRM_POOL] });
            answer = () =>
              reply({ ok: true, status: 200, text: () => Promise.resolve(text) } as Response);
          });
        }
        return new Promise<Response>(() => undefined);
      }),
    );
  });
  return { asked, answer: () => answer() };
}

/** Every microtask queued so far has run (the reply above is read in microtasks only). */
const handled = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const landing = () => (
  <I18nProvider lang="en">
    <WorkspacePage me={ME} view="pool" />
  </I18nProvider>
);

describe('the workspace landing', () => {
  it('without a pool in the address, opens the first pool', async () => {
    window.location.hash = '';
    const api = stubPoolList();
    render(landing());
    await api.asked;
    api.answer();
    await handled();
    expect(window.location.hash).toBe('#/pools/crm');
  });

  it('keeps a record link followed while the pools were loading', async () => {
    window.location.hash = '';
    const api = stubPoolList();
    render(landing());
    await api.asked;
    // The user (or a test) opens a record before the pool list answers.
    window.location.hash = '#/pools/crm/records/r1';
    api.answer();
    await handled();
    expect(window.location.hash).toBe('#/pools/crm/records/r1');
  });
});
