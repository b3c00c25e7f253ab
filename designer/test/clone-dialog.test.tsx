// @vitest-environment jsdom
// Cloning a template under an id already taken: the dialog said "/body/document/id policy
// crm-customer-pool exists" in both languages; it says so in words, in the UI's language.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { CloneDialog } from '../src/pages/clone-dialog.js';
import { crm } from './fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The runtime's reply to POST /api/policies for an id already taken (PolicyStore.createDraft). */
function stubTakenId(id: string) {
  const calls: string[] = [];
  const message = `policy ${id} exists`;
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      calls.push(`${init.method ?? 'GET'} ${url}`);
      const body = {
        error: {
          code: 'POOL_ERR_INVALID_PAYLOAD',
          message: `/body/document/id ${message}`,
          details: [{ path: '/body/document/id', message }],
        },
      };
      return Promise.resolve(new Response(JSON.stringify(body), { status: 400 }));
    }),
  );
  return calls;
}

async function cloneAs(id: string, lang: Lang): Promise<string> {
  const calls = stubTakenId(id);
  render(
    <I18nProvider lang={lang}>
      <CloneDialog
        template={{ id: 'crm-customer-pool', document: crm(), scenarios: [] }}
        taken={[]}
        onClose={() => undefined}
        onCreated={() => undefined}
      />
    </I18nProvider>,
  );
  fireEvent.change(screen.getByTestId('clone-id'), { target: { value: id } });
  fireEvent.submit(screen.getByTestId('clone-form'));
  const alert = await waitFor(
    () => {
      const el = document.querySelector('.alert.error');
      expect(el).not.toBeNull();
      return el?.textContent ?? '';
    },
    { timeout: 10_000 },
  );
  expect(calls).toEqual(['POST /api/policies']);
  cleanup();
  return alert;
}

describe('clone dialog', () => {
  it('says in words, in the UI language, that the id is taken', { timeout: 30_000 }, async () => {
    expect(await cloneAs('crm-customer-pool', 'en')).toBe(
      'A policy with the id crm-customer-pool exists already: choose another id.',
    );
    expect(await cloneAs('crm-customer-pool', 'zh')).toBe(
      '已有 ID 为 crm-customer-pool 的策略，请换一个 ID。',
    );
  });
});
