// @vitest-environment jsdom
// The runtime's refusals in the user's language, against a real runtime: a routing save refused by
// the schema or by the engine's checks, a save the user may not make, and a draft too large to save.
// In 中文 each reads as Chinese (by its code and params); in English the server's own words stay.
import type { Policy } from '@poolflow/engine';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { memoryImage } from '../../runtime-api/test/memory-image.js';
import { RoutingPage } from '../src/admin/routing-page.js';
import type { AdminPool } from '../src/api/admin.api.js';
import { setToken } from '../src/api/client.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { EditorToolbar, type ToolbarProps } from '../src/pages/editor-toolbar.js';
import { useAutosave } from '../src/pages/use-autosave.js';
import type { Lang } from '../src/i18n/messages.js';
import { adminToken, apiCall, startRuntime, type Runtime } from '../scripts/harness.js';
import { ROUTING_POLICY, ROUTING_POOLS, seedRoutingPools } from '../scripts/routing-seed.js';

let runtime: Runtime;
let admin: string;
/** A manager of the entrance pool: reads its routing and the policy, may change neither. */
let boss: string;
let pools: AdminPool[];
const realFetch = globalThis.fetch;

beforeAll(async () => {
  runtime = await startRuntime(memoryImage());
  admin = await adminToken(runtime.url);
  await seedRoutingPools((method, path, body) => apiCall(runtime.url, admin, method, path, body));
  const user = await apiCall<{ id: string }>(runtime.url, admin, 'POST', '/api/users', {
    username: 'boss',
    password: 'boss-password-1',
    displayName: 'Wang Min',
    roles: ['manager'],
    departmentId: 'sales',
  });
  await apiCall(runtime.url, admin, 'POST', '/api/pools/leads/members', {
    userId: user.id,
    role: 'admin',
  });
  boss = (
    await apiCall<{ token: string }>(runtime.url, null, 'POST', '/api/auth/login', {
      username: 'boss',
      password: 'boss-password-1',
    })
  ).token;
  pools = await Promise.all(
    ROUTING_POOLS.map((p) => apiCall<AdminPool>(runtime.url, admin, 'GET', `/api/pools/${p.key}`)),
  );
}, 120_000);

afterAll(() => runtime?.close());

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The designer's requests go to the runtime, as `token`. */
function asUser(token: string) {
  setToken(token);
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) =>
    realFetch(new URL(url, runtime.url), init),
  );
}

/** Chinese characters; and English words of three letters or more outside “quoted” names. */
const CJK = /[\u4e00-\u9fff]/;
const english = (text: string) => /[A-Za-z]{3,}/.test(text.replace(/“[^”]*”/g, ''));

function renderRouting(lang: Lang) {
  render(
    <I18nProvider lang={lang}>
      <RoutingPage pool={pools[0]} pools={pools} />
    </I18nProvider>,
  );
  return screen.findByTestId('routing-add-rule', undefined, { timeout: 10_000 });
}

/** Saves and returns the error shown next to `field` once the runtime has refused. */
async function saveRefused(field: string): Promise<string> {
  fireEvent.click(screen.getByTestId('routing-save'));
  const error = await screen.findByTestId(`${field}-error`, undefined, { timeout: 10_000 });
  return error.textContent ?? '';
}

/**
 * An admin's routing refused three times: an admission rule without its English message (the
 * request's schema), a rule named like the one before it, and a rule reading a field the policy does
 * not have (the engine's checks). What each refusal says next to its field, in order.
 */
async function routingRefusals(lang: Lang): Promise<string[]> {
  asUser(admin);
  await renderRouting(lang);
  fireEvent.click(screen.getByTestId('routing-add-admission'));
  const said = [await saveRefused('routing-admission-0-message')];
  fireEvent.change(screen.getByTestId('routing-admission-0-message-en'), {
    target: { value: 'No phone, no entry' },
  });
  fireEvent.click(screen.getByTestId('routing-add-rule'));
  fireEvent.click(screen.getByTestId('routing-add-rule'));
  fireEvent.change(screen.getByTestId('routing-rules-1-name'), { target: { value: 'rule-1' } });
  said.push(await saveRefused('routing-rules-1-name'));
  fireEvent.change(screen.getByTestId('routing-rules-1-name'), { target: { value: 'east' } });
  fireEvent.click(screen.getByTestId('routing-rules-1-when-json-mode'));
  const json = screen.getByTestId('routing-rules-1-when-json');
  const typo = { '==': [{ var: 'entity.regoin' }, 'east'] };
  fireEvent.change(json, { target: { value: JSON.stringify(typo) } });
  fireEvent.blur(json);
  said.push(await saveRefused('routing-rules-1-when'));
  expect(screen.queryByTestId('routing-error')).toBeNull();
  return said;
}

describe('a refused routing save', () => {
  it('reads as Chinese next to each field in 中文, by the problem’s code and params; English as the server says', async () => {
    const said = await routingRefusals('zh');
    expect(said).toEqual([
      '消息（英文）不能为空',
      '名称“rule-1”已被前面的规则使用',
      '“entity.regoin”不是记录字段或实例字段',
    ]);
    for (const text of said) {
      expect(text).toMatch(CJK);
      expect(english(text), text).toBe(false);
      expect(text).not.toMatch(/\{\w+\}/);
    }
    cleanup();
    expect(await routingRefusals('en')).toEqual([
      'must NOT have fewer than 1 characters',
      '/rules/1/name "rule-1" is used by an earlier rule',
      expect.stringContaining('"entity.regoin" is not an entity or instance field') as string,
    ]);
  }, 60_000);

  it('says in Chinese that the user may not change it (403), in English as the server does', async () => {
    const refused = async (lang: Lang) => {
      asUser(boss);
      await renderRouting(lang);
      fireEvent.click(screen.getByTestId('routing-save'));
      const text = (await screen.findByTestId('routing-error', undefined, { timeout: 10_000 }))
        .textContent;
      cleanup();
      return text;
    };
    expect(await refused('zh')).toBe('未保存：你没有权限这样做。');
    expect(await refused('en')).toBe("Not saved: this needs an admin of pool leads's department");
  }, 60_000);
});

describe('a routing tried as edited', () => {
  it('says why the runtime refused it in Chinese in 中文, in English as the server does', async () => {
    const tried = async (lang: Lang) => {
      asUser(admin);
      await renderRouting(lang);
      fireEvent.click(screen.getByTestId('routing-add-admission'));
      const simulator = screen.getByTestId('routing-try');
      fireEvent.change(simulator.querySelector('#routing-try_name')!, {
        target: { value: 'ACME' },
      });
      fireEvent.click(within(simulator).getByTestId('routing-try-run'));
      const error = await screen.findByTestId('routing-try-error', undefined, { timeout: 10_000 });
      const text = error.textContent;
      cleanup();
      return text;
    };
    expect(await tried('zh')).toBe('消息（英文）不能为空');
    expect(await tried('en')).toBe(
      'must NOT have fewer than 1 characters (/body/routing/admission/0/message/en)',
    );
  }, 60_000);
});

const noop = () => undefined;
/** The toolbar's tools, unused here: only its draft status is read. */
const TOOLS: Pick<ToolbarProps, `on${string}` & keyof ToolbarProps> = {
  onAddState: noop,
  onAutoLayout: noop,
  onFitView: noop,
  onUndo: noop,
  onRedo: noop,
  onImport: noop,
  onExport: noop,
  onPublish: noop,
  onRollout: noop,
};

/** The editor's draft status: the toolbar over the autosave, saved at once by a button. */
function DraftEditor({ policy }: { policy: Policy }) {
  const save = useAutosave(policy);
  const status = { status: save.status, saveError: save.error };
  const history = { canUndo: false, canRedo: false, problems: 0 };
  return (
    <>
      <EditorToolbar policy={policy} latestVersion={1} {...status} {...history} {...TOOLS} />
      <button type="button" data-testid="save-now" onClick={() => void save.flush()} />
    </>
  );
}

/** What the toolbar says when `token` saves the policy's draft with `edit` made to it. */
async function draftRefusal(lang: Lang, token: string, edit: (p: Policy) => Policy) {
  asUser(token);
  const { draft } = await apiCall<{ draft: Policy }>(
    runtime.url,
    admin,
    'GET',
    `/api/policies/${ROUTING_POLICY}`,
  );
  const view = render(
    <I18nProvider lang={lang}>
      <DraftEditor policy={draft} />
    </I18nProvider>,
  );
  view.rerender(
    <I18nProvider lang={lang}>
      <DraftEditor policy={edit(draft)} />
    </I18nProvider>,
  );
  fireEvent.click(screen.getByTestId('save-now'));
  const status = screen.getByTestId('save-status');
  await vi.waitFor(() => expect(status.dataset['status']).toBe('error'), { timeout: 10_000 });
  const text = status.textContent;
  cleanup();
  return text;
}

describe('a draft that is not saved', () => {
  /** A description past the runtime's body limit of 1 MiB: a 413. */
  const huge = (p: Policy): Policy => ({ ...p, description: { en: 'x'.repeat(1_100_000) } });
  const renamed = (p: Policy): Policy => ({ ...p, name: { ...p.name, en: 'Renamed' } });

  it('says why in Chinese in 中文 (too large, not allowed), in English as the server does', async () => {
    // The 413's detail names the limit (too-large), read as a size.
    expect(await draftRefusal('zh', admin, huge)).toBe(
      '草稿未保存：提交的内容超过了 1.0 MB 的上限',
    );
    expect(await draftRefusal('zh', boss, renamed)).toBe('草稿未保存：你没有权限这样做。');
    expect(await draftRefusal('en', admin, huge)).toBe(
      'Draft not saved: /body is larger than the limit of 1048576 bytes',
    );
    expect(await draftRefusal('en', boss, renamed)).toBe(
      'Draft not saved: this needs the admin or departmentAdmin role',
    );
  }, 60_000);
});
