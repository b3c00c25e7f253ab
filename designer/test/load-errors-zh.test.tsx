// @vitest-environment jsdom
// A page whose data the runtime refused says so in the user's language, and again in the other one
// after the switch: the refusal is kept as it came and worded when shown.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeliveriesPage } from '../src/admin/deliveries-page.js';
import { I18nProvider, useI18n } from '../src/i18n/i18n.js';
import { EditorPage } from '../src/pages/editor-page.js';
import { PoliciesPage } from '../src/pages/policies-page.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

/** Every request answered with the runtime's error reply. */
function refuseAll(status: number, code: string, message: string) {
  vi.stubGlobal(
    'fetch',
    vi.fn(() =>
      Promise.resolve(new Response(JSON.stringify({ error: { code, message } }), { status })),
    ),
  );
}

let switchTo: ((lang: 'en' | 'zh') => void) | undefined;
function LangSwitch() {
  switchTo = useI18n().setLang;
  return null;
}

describe('a refused load, in the user’s language', () => {
  it('the policy list: Chinese by its code in 中文, the server’s words in English, re-worded on a switch', async () => {
    refuseAll(500, 'POOL_ERR_INTERNAL', 'connection to the database was lost');
    localStorage.setItem('poolflow.lang', 'zh');
    render(
      <I18nProvider>
        <LangSwitch />
        <PoliciesPage />
      </I18nProvider>,
    );
    const alert = await screen.findByText('服务器出错，请重试或联系管理员。');
    expect(alert.className).toContain('error');
    expect(document.body.textContent).not.toContain('connection to the database');
    act(() => switchTo?.('en'));
    expect(await screen.findByText('connection to the database was lost')).toBeTruthy();
  });

  it('the webhook deliveries: a lost session reads as such in 中文', async () => {
    refuseAll(401, 'POOL_ERR_UNAUTHENTICATED', 'invalid or expired token');
    render(
      <I18nProvider lang="zh">
        <DeliveriesPage />
      </I18nProvider>,
    );
    expect((await screen.findByRole('alert')).textContent).toBe('登录已失效，请重新登录。');
  });

  it('the editor: a policy that is gone says so in 中文', async () => {
    refuseAll(404, 'POOL_ERR_NOT_FOUND', 'policy gone does not exist');
    render(
      <I18nProvider lang="zh">
        <EditorPage policyId="gone" />
      </I18nProvider>,
    );
    expect(await screen.findByText('它已不存在（可能已被删除）。')).toBeTruthy();
  });
});
