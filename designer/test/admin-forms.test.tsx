// @vitest-environment jsdom
// The administration pages against a stubbed runtime: what the forms send, what they refuse to send.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sectionsFor } from '../src/admin/admin-nav.js';
import { DepartmentsPage } from '../src/admin/departments-page.js';
import { CreatePoolDialog } from '../src/admin/pool-forms.js';
import { PoolMembers } from '../src/admin/pool-members.js';
import { UsersPage } from '../src/admin/users-page.js';
import type { AdminPool, AdminUser, Department } from '../src/api/admin.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { parseRoute, routeHash } from '../src/pages/use-hash-route.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const users: AdminUser[] = [
  {
    id: 'u1',
    username: 'li.na',
    displayName: 'Li Na',
    roles: ['member'],
    attributes: { seniority: 'senior' },
    disabled: false,
    departmentId: 'sales',
  },
  {
    id: 'u2',
    username: 'wang',
    displayName: 'Wang Min',
    roles: ['manager'],
    attributes: {},
    disabled: true,
    departmentId: null,
  },
];
const departments: Department[] = [
  { key: 'sales', name: { en: 'Sales', zh: '销售部' }, userCount: 0, poolCount: 0 },
];

function Ui({ children, lang = 'en' }: { children: ReactNode; lang?: Lang }) {
  return <I18nProvider lang={lang}>{children}</I18nProvider>;
}

/** fetch answering JSON by "METHOD path"; records every request. */
function stubApi(routes: Record<string, unknown>) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      calls.push({
        method,
        url,
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      });
      const key = `${method} ${url.split('?')[0]}`;
      if (!(key in routes)) return Promise.resolve(new Response('{}', { status: 404 }));
      return Promise.resolve(new Response(JSON.stringify(routes[key]), { status: 200 }));
    }),
  );
  return calls;
}
const writes = <T extends { method: string }>(calls: T[]) =>
  calls.filter((c) => c.method !== 'GET');

const input = (form: HTMLElement, name: string) =>
  form.querySelector<HTMLInputElement>(`[id$='_${name}']`)!;

describe('users page', () => {
  it('lists users with department, roles and attributes, and searches by display name', async () => {
    stubApi({ 'GET /api/users': { items: users } });
    render(
      <Ui>
        <UsersPage admin departments={departments} />
      </Ui>,
    );
    const row = await screen.findByTestId('user-row-li.na');
    expect(row.textContent).toContain('Sales');
    expect(row.textContent).toContain('seniority = senior');
    expect(screen.getByTestId('user-row-wang').textContent).toContain('Disabled');
    fireEvent.change(screen.getByTestId('user-search'), { target: { value: 'min' } });
    expect(screen.queryByTestId('user-row-li.na')).toBeNull();
    expect(screen.getByTestId('user-row-wang')).toBeTruthy();
  });

  it('asks the runtime to search once the list is at its 1000-user cap', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      ...users[0],
      id: `u${i}`,
      username: `rep${i}`,
    }));
    const calls = stubApi({ 'GET /api/users': { items: many } });
    render(
      <Ui>
        <UsersPage admin departments={departments} />
      </Ui>,
    );
    await screen.findByTestId('user-row-rep999');
    fireEvent.change(screen.getByTestId('user-search'), { target: { value: 'Zhao Lei' } });
    await waitFor(() => expect(calls.map((c) => c.url)).toContain('/api/users?q=Zhao%20Lei'));
  });

  it('creates a user with roles, department and seniority; a short password is not sent', async () => {
    const calls = stubApi({ 'GET /api/users': { items: users }, 'POST /api/users': users[0] });
    render(
      <Ui>
        <UsersPage admin departments={departments} />
      </Ui>,
    );
    fireEvent.click(await screen.findByTestId('user-new'));
    const form = screen.getByTestId('user-form');
    fireEvent.change(input(form, 'username'), { target: { value: 'zhao' } });
    fireEvent.change(input(form, 'password'), { target: { value: 'short-pass' } });
    fireEvent.change(input(form, 'displayName'), { target: { value: 'Zhao Lei' } });
    fireEvent.click(within(form).getByLabelText('Manager'));
    fireEvent.change(form.querySelector('select')!, { target: { value: '1' } });
    fireEvent.click(within(form).getByTestId('attribute-add-seniority'));
    fireEvent.change(within(form).getByTestId('attribute-value-0'), {
      target: { value: 'senior' },
    });
    fireEvent.click(screen.getByTestId('user-form-submit'));
    await waitFor(() => expect(form.querySelector('.error-detail')).not.toBeNull());
    expect(writes(calls)).toEqual([]);
    fireEvent.change(input(form, 'password'), { target: { value: 'long-enough-pass' } });
    fireEvent.click(screen.getByTestId('user-form-submit'));
    await waitFor(() => expect(writes(calls)).toHaveLength(1));
    expect(writes(calls)[0]).toEqual({
      method: 'POST',
      url: '/api/users',
      body: {
        username: 'zhao',
        password: 'long-enough-pass',
        displayName: 'Zhao Lei',
        roles: ['manager', 'member'],
        attributes: { seniority: 'senior' },
        departmentId: 'sales',
      },
    });
  });

  it('edits roles, disables a user and resets a password of at least 12 characters', async () => {
    const calls = stubApi({ 'GET /api/users': { items: users }, 'PATCH /api/users/u1': users[0] });
    render(
      <Ui>
        <UsersPage admin={false} departments={null} />
      </Ui>,
    );
    fireEvent.click(await screen.findByTestId('user-edit-li.na'));
    const form = screen.getByTestId('user-form');
    // A department admin cannot make global admins: the role is not offered.
    expect(within(form).queryByLabelText('Admin')).toBeNull();
    fireEvent.click(within(form).getByLabelText('Department admin'));
    fireEvent.click(screen.getByTestId('user-form-submit'));
    await waitFor(() => expect(writes(calls)).toHaveLength(1));
    expect(writes(calls)[0].body).toEqual({
      displayName: 'Li Na',
      roles: ['departmentAdmin', 'member'],
      attributes: { seniority: 'senior' },
    });
    fireEvent.click(screen.getByTestId('user-toggle-li.na'));
    await waitFor(() => expect(writes(calls)).toHaveLength(2));
    expect(writes(calls)[1].body).toEqual({ disabled: true });

    fireEvent.click(screen.getByTestId('user-password-li.na'));
    const reset = screen.getByTestId('password-form');
    fireEvent.change(input(reset, 'password'), { target: { value: '11-chars-pw' } });
    fireEvent.click(screen.getByTestId('password-form-submit'));
    await waitFor(() => expect(reset.querySelector('.error-detail')).not.toBeNull());
    expect(writes(calls)).toHaveLength(2);
    fireEvent.change(input(reset, 'password'), { target: { value: '12-chars-pwd' } });
    fireEvent.click(screen.getByTestId('password-form-submit'));
    await waitFor(() => expect(writes(calls)).toHaveLength(3));
    expect(writes(calls)[2].body).toEqual({ password: '12-chars-pwd' });
    expect((await screen.findByTestId('admin-notice')).textContent).toContain('li.na');
  });

  it.each([
    ['en', 'username zhao is taken (/body/username)'],
    ['zh', '“zhao”已被使用'],
  ] as [Lang, string][])(
    'shows the runtime refusal in %s, with the field it names',
    async (lang, shown) => {
      vi.stubGlobal(
        'fetch',
        vi.fn((_url: string, init: RequestInit = {}) =>
          Promise.resolve(
            init.method === 'POST'
              ? new Response(
                  JSON.stringify({
                    error: {
                      code: 'POOL_ERR_INVALID_PAYLOAD',
                      message: '/body/username username zhao is taken',
                      details: [
                        {
                          path: '/body/username',
                          message: 'username zhao is taken',
                          code: 'key-taken',
                          params: { value: 'zhao' },
                        },
                      ],
                    },
                  }),
                  { status: 400 },
                )
              : new Response(JSON.stringify({ items: users }), { status: 200 }),
          ),
        ),
      );
      render(
        <Ui lang={lang}>
          <UsersPage admin departments={departments} />
        </Ui>,
      );
      fireEvent.click(await screen.findByTestId('user-new'));
      const form = screen.getByTestId('user-form');
      fireEvent.change(input(form, 'username'), { target: { value: 'zhao' } });
      fireEvent.change(input(form, 'password'), { target: { value: 'long-enough-pass' } });
      fireEvent.change(input(form, 'displayName'), { target: { value: 'Zhao Lei' } });
      fireEvent.click(screen.getByTestId('user-form-submit'));
      expect((await screen.findByTestId('user-form-error')).textContent).toBe(shown);
      expect(
        screen.getByText(lang === 'zh' ? '新建用户' : 'New user', { selector: 'h2' }),
      ).toBeTruthy();
    },
  );
});

describe('departments page', () => {
  it('creates a department with English and Chinese names', async () => {
    const calls = stubApi({ 'POST /api/departments': departments[0] });
    const onChanged = vi.fn();
    render(
      <Ui>
        <DepartmentsPage departments={departments} users={users} onChanged={onChanged} />
      </Ui>,
    );
    expect(screen.getByTestId('department-row-sales').textContent).toContain('Sales');
    const form = screen.getByTestId('department-form');
    const consoleErrors = vi.spyOn(console, 'error');
    fireEvent.change(input(form, 'key'), { target: { value: 'Bad Key' } });
    fireEvent.click(screen.getByTestId('department-form-submit'));
    await waitFor(() => expect(form.querySelector('.error-detail')).not.toBeNull());
    // The empty English name is asked for in the user's words, not Ajv's "must have required property".
    expect(form.textContent).toContain('Fill this in.');
    expect(form.textContent).not.toContain('required property');
    // A refused form is not an error of the page: nothing in the browser console.
    expect(consoleErrors).not.toHaveBeenCalled();
    consoleErrors.mockRestore();
    expect(calls).toEqual([]);
    fireEvent.change(input(form, 'key'), { target: { value: 'service' } });
    fireEvent.change(input(form, 'nameEn'), { target: { value: 'Service' } });
    fireEvent.change(input(form, 'nameZh'), { target: { value: '客服部' } });
    fireEvent.click(screen.getByTestId('department-form-submit'));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(calls[0]).toEqual({
      method: 'POST',
      url: '/api/departments',
      body: { key: 'service', name: { en: 'Service', zh: '客服部' } },
    });
  });
});

const pool: AdminPool = {
  id: 'east',
  key: 'east',
  name: { en: 'Sales East' },
  policyId: 'crm',
  policyVersion: 2,
  distribution: 'manual',
  timeZone: 'Asia/Shanghai',
  departmentId: null,
  memberCount: 1,
  recordCount: 0,
  members: [{ userId: 'u1', role: 'member', capacity: null }],
};

describe('pools', () => {
  it('offers the latest version of the policy chosen, not the version of the one before', async () => {
    const calls = stubApi({
      'GET /api/policies': {
        items: [
          { id: 'crm', name: { en: 'CRM' }, latestVersion: 4, updatedAt: '' },
          { id: 'hr', name: { en: 'Talent pool' }, latestVersion: 1, updatedAt: '' },
        ],
      },
      'POST /api/pools': { ...pool, key: 'talent', policyId: 'hr', policyVersion: 1 },
    });
    const onCreated = vi.fn();
    render(
      <Ui>
        <CreatePoolDialog departments={null} onClose={() => undefined} onCreated={onCreated} />
      </Ui>,
    );
    const form = await screen.findByTestId('pool-form');
    const [policy, version] = [...form.querySelectorAll('select')];
    expect(version.selectedOptions[0].textContent).toBe('v4');
    // rjsf's select values are option indexes: the second policy.
    fireEvent.change(policy, { target: { value: '1' } });
    // v4 was kept: the select showed nothing and Create was refused "must be equal to constant".
    await waitFor(() => expect(version.selectedOptions[0]?.textContent).toBe('v1'));
    fireEvent.change(input(form, 'key'), { target: { value: 'talent' } });
    fireEvent.change(input(form, 'nameEn'), { target: { value: 'Talent' } });
    fireEvent.click(screen.getByTestId('pool-form-submit'));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith('talent'));
    expect(writes(calls)[0].body).toMatchObject({ policyId: 'hr', policyVersion: 1 });
  });

  it('creates a pool from a published policy version, in Asia/Shanghai by default', async () => {
    const calls = stubApi({
      'GET /api/policies': {
        items: [
          { id: 'draft-only', name: { en: 'Draft' }, latestVersion: 0, updatedAt: '' },
          { id: 'crm', name: { en: 'CRM' }, latestVersion: 2, updatedAt: '' },
        ],
      },
      'POST /api/pools': pool,
    });
    const onCreated = vi.fn();
    render(
      <Ui>
        <CreatePoolDialog
          departments={departments}
          onClose={() => undefined}
          onCreated={onCreated}
        />
      </Ui>,
    );
    const form = await screen.findByTestId('pool-form');
    const [policy, version] = [...form.querySelectorAll('select')];
    // Only published policies are offered; the newest version first.
    expect([...policy.options].map((o) => o.textContent).filter(Boolean)).toEqual(['CRM (crm)']);
    expect([...version.options].map((o) => o.textContent).filter(Boolean)).toEqual(['v2', 'v1']);
    const zone = form.querySelector<HTMLSelectElement>("[id$='_timeZone']")!;
    expect(zone.selectedOptions[0].textContent).toBe('Asia/Shanghai');
    fireEvent.change(version, { target: { value: '1' } });
    fireEvent.change(input(form, 'key'), { target: { value: 'east' } });
    fireEvent.change(input(form, 'nameEn'), { target: { value: 'Sales East' } });
    fireEvent.change(input(form, 'distribution'), { target: { value: '1' } });
    fireEvent.click(screen.getByTestId('pool-form-submit'));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith('east'));
    expect(writes(calls)[0].body).toEqual({
      key: 'east',
      name: { en: 'Sales East' },
      policyId: 'crm',
      policyVersion: 1,
      distribution: 'roundRobin',
      timeZone: 'Asia/Shanghai',
      members: [],
    });
  });

  it('offers no blank choice in its selects; in Chinese its field errors are Chinese words', async () => {
    const calls = stubApi({
      'GET /api/policies': {
        items: [{ id: 'crm', name: { en: 'CRM' }, latestVersion: 2, updatedAt: '' }],
      },
    });
    render(
      <Ui lang="zh">
        <CreatePoolDialog departments={departments} onClose={() => undefined} onCreated={vi.fn()} />
      </Ui>,
    );
    const form = await screen.findByTestId('pool-form');
    const options = (name: string) =>
      [...form.querySelector<HTMLSelectElement>(`[id$='_${name}']`)!.options].map(
        (o) => o.textContent,
      );
    // rjsf put a blank option before "No department" (and before every choice the form starts with).
    expect(options('departmentId')).toEqual(['无部门', '销售部']);
    expect(options('distribution')[0]).not.toBe('');
    expect(options('policyVersion')).toEqual(['v2', 'v1']);
    fireEvent.change(input(form, 'key'), { target: { value: 'Sales East!' } });
    fireEvent.change(input(form, 'nameEn'), { target: { value: 'x'.repeat(201) } });
    fireEvent.click(screen.getByTestId('pool-form-submit'));
    await waitFor(() => expect(form.textContent).toContain('最多 200 个字符。'));
    expect(form.textContent).toContain('格式不符合要求。');
    // Ajv's English ("must match pattern", "must NOT have more than 200 characters") is gone.
    expect(form.textContent).not.toMatch(/must/);
    expect(writes(calls)).toEqual([]);
  });

  it('adds a manager with a capacity and removes a member', async () => {
    const calls = stubApi({
      'POST /api/pools/east/members': pool,
      'DELETE /api/pools/east/members/u1': {},
    });
    const onChanged = vi.fn();
    render(
      <Ui>
        <PoolMembers pool={pool} users={users} onChanged={onChanged} />
      </Ui>,
    );
    expect(screen.getByTestId('member-row-li.na').textContent).toContain('Li Na');
    // Wang Min is disabled: only Li Na, whose role and capacity can be changed.
    const only = screen.getByTestId('member-form').querySelector('select')!;
    expect([...only.options].map((o) => o.textContent).filter(Boolean)).toEqual([
      'Li Na (li.na) · in the pool: change role or capacity',
    ]);
    cleanup();
    const active = users.map((u) => ({ ...u, disabled: false }));
    render(
      <Ui>
        <PoolMembers pool={pool} users={active} onChanged={onChanged} />
      </Ui>,
    );
    const add = screen.getByTestId('member-form');
    const [user, role] = [...add.querySelectorAll('select')];
    expect([...user.options].map((o) => o.textContent).filter(Boolean)).toEqual([
      'Wang Min (wang)',
      'Li Na (li.na) · in the pool: change role or capacity',
    ]);
    fireEvent.change(user, { target: { value: '0' } });
    fireEvent.change(role, { target: { value: '1' } });
    fireEvent.change(input(add, 'capacity'), { target: { value: '5' } });
    fireEvent.click(screen.getByTestId('member-form-submit'));
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    fireEvent.click(screen.getByTestId('member-remove-li.na'));
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(2));
    expect(calls).toEqual([
      {
        method: 'POST',
        url: '/api/pools/east/members',
        body: { userId: 'u2', role: 'admin', capacity: 5 },
      },
      { method: 'DELETE', url: '/api/pools/east/members/u1', body: undefined },
    ]);
  });
});

describe('admin routes and sections', () => {
  it('parses #/admin pages and hides departments from department admins', () => {
    expect(parseRoute('#/admin')).toEqual({ page: 'admin', section: 'users' });
    expect(parseRoute('#/admin/pools/sales%20east')).toEqual({
      page: 'admin',
      section: 'pools',
      pool: 'sales east',
    });
    for (const route of [
      { page: 'admin', section: 'departments' },
      { page: 'admin', section: 'pools', pool: 'sales-east' },
    ] as const)
      expect(parseRoute(routeHash(route))).toEqual(route);
    const ids = (roles: string[]) => sectionsFor({ id: 'x', roles }).map((s) => s.id);
    expect(ids(['admin'])).toEqual([
      'users',
      'departments',
      'pools',
      'deliveries',
      'activity',
      'backup',
    ]);
    expect(ids(['departmentAdmin'])).toEqual(['users', 'pools']);
  });
});
