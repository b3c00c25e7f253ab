// @vitest-environment jsdom
// The runtime's refusals in the workspace and the rollout and publish dialogs, against a real runtime:
// in 中文 each reads as Chinese (by its code), in English as the server says; one kept as it came is
// worded again after a language switch. And a routing rule saved without a pool says to choose one.
import type { Policy } from '@poolflow/engine';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { memoryImage } from '../../runtime-api/test/memory-image.js';
import { RoutingPage } from '../src/admin/routing-page.js';
import type { AdminPool } from '../src/api/admin.api.js';
import type { User } from '../src/api/auth.api.js';
import { publishPolicy } from '../src/api/policies.api.js';
import { getTemplate } from '../src/api/templates.api.js';
import { I18nProvider, useI18n } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { CloneDialog } from '../src/pages/clone-dialog.js';
import { PublishDialog } from '../src/pages/publish-dialog.js';
import { RolloutDialog } from '../src/pages/rollout-dialog.js';
import type { WorkspaceView } from '../src/pages/use-hash-route.js';
import { WorkspacePage } from '../src/workspace/workspace-page.js';
import { fetchFrom } from './workspace-harness.js';
import { adminToken, apiCall, startRuntime, type Runtime } from '../scripts/harness.js';
import { ROUTING_POLICY, ROUTING_POOLS, seedRoutingPools } from '../scripts/routing-seed.js';

let runtime: Runtime;
let admin: string;
const asAdmin = <T = unknown,>(method: string, path: string, body?: unknown) =>
  apiCall<T>(runtime.url, admin, method, path, body);

beforeAll(async () => {
  runtime = await startRuntime(memoryImage());
  admin = await adminToken(runtime.url);
  await seedRoutingPools(asAdmin);
  // Push distribution: the pool's managers see "Distribute now".
  await asAdmin('PATCH', '/api/pools/leads', { distribution: 'roundRobin' });
}, 120_000);

afterAll(() => runtime?.close());

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

/** The designer's requests go to the runtime (or to `server`), as `token`. */
const asUser = (token: string, server = runtime.url) => fetchFrom(server, token);

/** A new user, admin of pool `pool` (a manager there, not an admin of the runtime), signed in. */
async function poolAdmin(
  username: string,
  pool: string,
  role: 'admin' | 'member' = 'admin',
): Promise<{ token: string; me: User }> {
  const password = `${username}-password-1`;
  const user = await asAdmin<{ id: string }>('POST', '/api/users', {
    username,
    password,
    displayName: username,
    roles: ['member'],
    departmentId: 'sales',
  });
  await asAdmin('POST', `/api/pools/${pool}/members`, { userId: user.id, role });
  const login = await apiCall<{ token: string; user: User }>(
    runtime.url,
    null,
    'POST',
    '/api/auth/login',
    { username, password },
  );
  return { token: login.token, me: login.user };
}

/** Chinese characters; English words of three letters or more; a `{placeholder}` left unfilled. */
const CJK = /[\u4e00-\u9fff]/;
function chineseOnly(text: string | null) {
  expect(text).toMatch(CJK);
  expect(text).not.toMatch(/[A-Za-z]{3,}/);
  expect(text).not.toMatch(/\{\w+\}/);
}

let switchTo: ((lang: Lang) => void) | undefined;
function LangSwitch() {
  switchTo = useI18n().setLang;
  return null;
}

/** The workspace of pool leads in `lang` (switchable), as `me`; `go` opens another of its views. */
function renderWorkspace(lang: Lang, me: User, view: WorkspaceView, recordId?: string) {
  localStorage.setItem('poolflow.lang', lang);
  const page = (to: WorkspaceView) => (
    <I18nProvider>
      <LangSwitch />
      <WorkspacePage me={me} pool="leads" view={to} recordId={recordId} />
    </I18nProvider>
  );
  const { rerender } = render(page(view));
  return { go: (to: WorkspaceView) => rerender(page(to)) };
}

const alertOf = async (selector: string) => {
  await vi.waitFor(() => expect(document.querySelector(selector)).not.toBeNull(), {
    timeout: 10_000,
  });
  return document.querySelector(selector)!;
};

describe('the workspace, refused', () => {
  it('a server that does not answer: the workspace says so in 中文, in English after a switch', async () => {
    const { token, me } = await poolAdmin('offline', 'leads');
    // Nothing listens on port 1: the request fails as with the runtime down.
    asUser(token, 'http://127.0.0.1:1');
    renderWorkspace('zh', me, 'pool');
    const alert = await alertOf('.alert.error');
    expect(alert.textContent).toBe('服务器没有响应，或响应无法读取，请重试。');
    act(() => switchTo?.('en'));
    expect(alert.textContent).toBe('fetch failed');
  }, 30_000);

  it('the record list: a rep no longer in the pool reads 你没有权限这样做, the server’s words in English', async () => {
    const { token, me } = await poolAdmin('gone', 'leads');
    asUser(token);
    renderWorkspace('zh', me, 'pool');
    await screen.findByTestId('pool-table', undefined, { timeout: 10_000 });
    await asAdmin('DELETE', `/api/pools/leads/members/${me.id}`);
    // A search reads the list again: the runtime refuses it now.
    const search = screen.getByTestId('filter-q');
    fireEvent.change(search, { target: { value: 'ACME' } });
    fireEvent.keyDown(search, { key: 'Enter' });
    const alert = await alertOf('.workspace-body .alert.error');
    expect(alert.textContent).toBe('你没有权限这样做。');
    chineseOnly(alert.textContent);
    act(() => switchTo?.('en'));
    expect(alert.textContent).toBe('you are not a member of pool leads');
  }, 30_000);

  it('the manager pages, opened after the manager became a member only: each says so in 中文', async () => {
    const { token, me } = await poolAdmin('was-manager', 'leads');
    asUser(token);
    const { go } = renderWorkspace('zh', me, 'pool');
    await screen.findByTestId('pool-table', undefined, { timeout: 10_000 });
    await asAdmin('POST', '/api/pools/leads/members', { userId: me.id, role: 'member' });
    for (const view of ['analytics', 'failed-timers', 'audits'] as const) {
      go(view);
      const alert = await alertOf('.workspace-body .alert.error');
      expect(alert.textContent, view).toBe('你没有权限这样做。');
      act(() => switchTo?.('en'));
      expect(alert.textContent, view).toBe('this needs a manager of pool leads');
      act(() => switchTo?.('zh'));
      go('pool');
      await vi.waitFor(() => expect(document.querySelector('.workspace-body .alert')).toBeNull());
    }
  }, 30_000);

  it('a manager page opened by a member by its address: says it is for managers, asks nothing', async () => {
    const { token, me } = await poolAdmin('just-member', 'leads', 'member');
    asUser(token);
    const asked: string[] = [];
    const viaRuntime = globalThis.fetch;
    vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
      asked.push(url);
      return viaRuntime(url, init);
    });
    const { go } = renderWorkspace('zh', me, 'analytics');
    for (const view of ['analytics', 'import', 'failed-timers', 'audits'] as const) {
      go(view);
      const alert = await alertOf('[data-testid="managers-only"]');
      expect(alert.textContent, view).toBe('此页面仅供主管查看。');
      act(() => switchTo?.('en'));
      expect(alert.textContent, view).toBe('This page is for the managers of the pool.');
      act(() => switchTo?.('zh'));
    }
    // Not the refusal of an action on a record (负责人或主管), and no manager data was asked for.
    expect(asked.filter((url) => /\/(stats|failed-timers|audits|import)/.test(url))).toEqual([]);
  }, 30_000);

  it('a record that does not exist: its page says so in 中文, in English after a switch', async () => {
    const { token, me } = await poolAdmin('reader', 'leads');
    asUser(token);
    const id = randomUUID();
    renderWorkspace('zh', me, 'record', id);
    const alert = await alertOf('.workspace-body .alert.error');
    expect(alert.textContent).toBe('它已不存在（可能已被删除）。');
    act(() => switchTo?.('en'));
    expect(alert.textContent).toMatch(/not found|does not exist/);
    expect(alert.textContent).toContain(id);
  }, 30_000);

  it('an event on a record moved to another pool meanwhile: 它已不存在 in 中文, the server’s words in English', async () => {
    const refused = async (lang: Lang, username: string) => {
      const { token, me } = await poolAdmin(username, 'leads', 'member');
      await asAdmin('POST', '/api/pools/east/members', { userId: me.id, role: 'member' });
      const { id } = await asAdmin<{ id: string }>('POST', '/api/pools/leads/records', {
        data: { name: `${username} Co` },
        ownerId: me.id,
      });
      asUser(token);
      renderWorkspace(lang, me, 'record', id);
      await screen.findByTestId('record-page', undefined, { timeout: 10_000 });
      await asAdmin('POST', `/api/pools/leads/records/${id}/move`, { pool: 'east' });
      fireEvent.click(screen.getByTestId('event-WIN'));
      fireEvent.click(screen.getByTestId('event-submit'));
      const text = (await screen.findByTestId('event-error', undefined, { timeout: 10_000 }))
        .textContent;
      cleanup();
      return { text, id };
    };
    const zh = await refused('zh', 'owner-zh');
    expect(zh.text).toBe('它已不存在（可能已被删除）。');
    const en = await refused('en', 'owner-en');
    expect(en.text).toBe(`record ${en.id} in pool leads not found`);
  }, 60_000);

  it('“Distribute now” refused once the manager is a member only: a notice in Chinese, the server’s in English', async () => {
    const notice = async (lang: Lang, username: string) => {
      const { token, me } = await poolAdmin(username, 'leads');
      asUser(token);
      renderWorkspace(lang, me, 'pool');
      const button = await screen.findByTestId('distribute-now', undefined, { timeout: 10_000 });
      await asAdmin('POST', '/api/pools/leads/members', { userId: me.id, role: 'member' });
      fireEvent.click(button);
      const text = (await screen.findByTestId('notice', undefined, { timeout: 10_000 }))
        .textContent;
      cleanup();
      return text;
    };
    const zh = await notice('zh', 'demoted');
    expect(zh).toBe('你没有权限这样做。');
    chineseOnly(zh);
    expect(await notice('en', 'demoted-too')).toBe('this needs a manager of pool leads');
  }, 60_000);
});

type Doc = Policy & {
  delays: Record<string, unknown>;
  events: Record<string, unknown>;
  machine: { states: Record<string, { on?: Record<string, unknown> }> };
};

describe('the designer’s dialogs, refused', () => {
  it('a rollout whose pool changed after its preview: not started, in Chinese in 中文, in English after a switch', async () => {
    // v2 without the nurture state: a pool may move only while none of its records is there.
    const { draft } = await asAdmin<{ draft: Doc }>('GET', `/api/policies/${ROUTING_POLICY}`);
    delete draft.machine.states['nurture'];
    delete draft.machine.states['owned'].on!['NURTURE'];
    delete draft.delays['nurtureEnd'];
    delete draft.events['NURTURE'];
    await asAdmin('PUT', `/api/policies/${ROUTING_POLICY}/draft`, { document: draft });
    const { version } = await asAdmin<{ version: number }>(
      'POST',
      `/api/policies/${ROUTING_POLICY}/publish`,
      { message: 'No nurture', force: true },
    );
    const rep = await asAdmin<{ id: string }>('POST', '/api/users', {
      username: 'north-rep',
      password: 'north-rep-password-1',
      displayName: 'North rep',
      roles: ['member'],
      departmentId: 'sales',
    });
    await asAdmin('POST', '/api/pools/north/members', { userId: rep.id, role: 'member' });

    asUser(admin);
    localStorage.setItem('poolflow.lang', 'zh');
    render(
      <I18nProvider>
        <LangSwitch />
        <RolloutDialog policyId={ROUTING_POLICY} version={version} onClose={() => undefined} />
      </I18nProvider>,
    );
    await screen.findByTestId('rollout-pool-north', undefined, { timeout: 10_000 });
    for (const pool of ROUTING_POOLS)
      if (pool.key !== 'north') fireEvent.click(screen.getByTestId(`rollout-pool-${pool.key}`));
    fireEvent.click(screen.getByTestId('rollout-preview-button'));
    const start = screen.getByTestId<HTMLButtonElement>('rollout-start');
    await vi.waitFor(() => expect(start.disabled).toBe(false), { timeout: 10_000 });
    // Meanwhile a record of the pool goes into nurture: the real run's dry run refuses.
    const record = await asAdmin<{ id: string }>('POST', '/api/pools/north/records', {
      data: { name: 'Nurtured Co' },
      ownerId: rep.id,
    });
    await asAdmin('POST', `/api/pools/north/records/${record.id}/events`, {
      type: 'NURTURE',
      payload: { months: 6 },
    });
    fireEvent.click(start);
    const error = await screen.findByTestId('rollout-error', undefined, { timeout: 10_000 });
    expect(error.textContent).toBe('升级未开始：预演现在发现了问题，请重新预演查看。');
    act(() => switchTo?.('en'));
    expect(error.textContent).toMatch(/^the upgrade to version \d+ has problems: .*nurture/);
  }, 60_000);

  it('a publish the user may not make: in Chinese in 中文, in English after a switch', async () => {
    const { token } = await poolAdmin('publisher', 'east');
    const { draft } = await asAdmin<{ draft: Policy }>('GET', `/api/policies/${ROUTING_POLICY}`);
    asUser(token);
    localStorage.setItem('poolflow.lang', 'zh');
    render(
      <I18nProvider>
        <LangSwitch />
        <PublishDialog
          policyId={ROUTING_POLICY}
          policy={draft}
          onPublish={async (message, force) =>
            (await publishPolicy(ROUTING_POLICY, message, force)).version
          }
          onOpenScenario={() => undefined}
          onRollout={() => undefined}
          onClose={() => undefined}
        />
      </I18nProvider>,
    );
    fireEvent.change(screen.getByTestId('publish-message'), { target: { value: 'Try' } });
    fireEvent.click(screen.getByTestId('publish-submit'));
    const alert = await alertOf('.alert.error');
    expect(alert.textContent).toBe('你没有权限这样做。');
    act(() => switchTo?.('en'));
    expect(alert.textContent).toBe('this needs the admin or departmentAdmin role');
  }, 30_000);

  it('a template clone the user may not make: in Chinese in 中文, in English after a switch', async () => {
    const { token } = await poolAdmin('cloner', 'east');
    asUser(token);
    const template = await getTemplate('hr-candidate-pool');
    localStorage.setItem('poolflow.lang', 'zh');
    render(
      <I18nProvider>
        <LangSwitch />
        <CloneDialog
          template={template}
          taken={[]}
          onClose={() => undefined}
          onCreated={() => undefined}
        />
      </I18nProvider>,
    );
    fireEvent.submit(screen.getByTestId('clone-form'));
    const alert = await alertOf('.alert.error');
    expect(alert.textContent).toBe('你没有权限这样做。');
    act(() => switchTo?.('en'));
    expect(alert.textContent).toMatch(/^this needs /);
  }, 30_000);
});

describe('a routing rule left on “Choose a pool”', () => {
  it('says to choose a pool for it, in either language (not the pattern of a pool key)', async () => {
    const pools = await Promise.all(
      ROUTING_POOLS.map((p) => asAdmin<AdminPool>('GET', `/api/pools/${p.key}`)),
    );
    const saved = async (lang: Lang) => {
      asUser(admin);
      render(
        <I18nProvider lang={lang}>
          <RoutingPage pool={pools[0]} pools={pools} />
        </I18nProvider>,
      );
      fireEvent.click(
        await screen.findByTestId('routing-add-rule', undefined, { timeout: 10_000 }),
      );
      fireEvent.change(screen.getByTestId('routing-rules-0-pool'), { target: { value: '' } });
      fireEvent.click(screen.getByTestId('routing-save'));
      const error = await screen.findByTestId('routing-rules-0-pool-error', undefined, {
        timeout: 10_000,
      });
      const text = error.textContent;
      cleanup();
      return text;
    };
    expect(await saved('zh')).toBe('请为此规则选择公海');
    expect(await saved('en')).toBe('Choose a pool for this rule');
  }, 60_000);
});
