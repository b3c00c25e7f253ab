// End to end in Debian's Chromium: the admin creates a department, a department admin and two reps
// with seniority, resets a password, and creates a pool from a published CRM policy with members and
// a manager, all in the administration pages; the senior rep then logs in with the new password and
// works in that pool, and the department admin sees Users and Pools of their department but not
// Departments.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  apiCall,
  logIn,
  logInAs,
  openBrowserSession,
  type BrowserSession,
} from '../scripts/harness.js';

const POLICY = 'crm-customer-pool';

interface UserReply {
  username: string;
  roles: string[];
  attributes: Record<string, unknown>;
  departmentId: string | null;
}

interface PoolReply {
  key: string;
  departmentId: string | null;
  timeZone: string;
  policyVersion: number;
  members: { userId: string; role: string; capacity: number | null }[];
}

let session: BrowserSession;
let admin: string;
const api = <T = unknown>(method: string, path: string, body?: unknown) =>
  apiCall<T>(session.runtime.url, admin, method, path, body);
const field = (form: Locator, name: string) => form.locator(`[id$="_${name}"]`);

async function createUser(
  page: Page,
  user: { username: string; name: string; roles: string[]; seniority?: string },
): Promise<void> {
  await page.getByTestId('user-new').click();
  const form = page.getByTestId('user-form');
  await field(form, 'username').fill(user.username);
  await field(form, 'password').fill(`${user.username}-password`);
  await field(form, 'displayName').fill(user.name);
  // New users start as members; tick the other roles.
  for (const role of user.roles) await form.getByLabel(role, { exact: true }).check();
  await field(form, 'departmentId').selectOption({ label: 'Sales' });
  if (user.seniority) {
    await form.getByTestId('attribute-add-seniority').click();
    await form.getByTestId('attribute-value-0').fill(user.seniority);
  }
  await page.getByTestId('user-form-submit').click();
  await page.getByTestId(`user-row-${user.username}`).waitFor();
}

beforeAll(async () => {
  session = await openBrowserSession();
  admin = await adminToken(session.runtime.url);
  // A template clone published through the API: the pool is created from it in the browser.
  const template = await api<{ document: object }>('GET', `/api/templates/${POLICY}`);
  await api('POST', '/api/policies', { document: template.document });
  await api('POST', `/api/policies/${POLICY}/publish`, { message: 'From the template' });
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('administration pages in Chromium', () => {
  it(
    'admin sets up a department, its admin, reps with seniority and a pool; a member works in it',
    { timeout: 180_000 },
    async () => {
      const { page, runtime } = session;
      await logIn(page, runtime.url);
      await page.getByTestId('nav-admin').click();
      await page.getByTestId('admin-users').waitFor();

      await page.getByTestId('admin-tab-departments').click();
      const department = page.getByTestId('department-form');
      await field(department, 'key').fill('sales');
      await field(department, 'nameEn').fill('Sales');
      await field(department, 'nameZh').fill('销售部');
      await page.getByTestId('department-form-submit').click();
      await page.getByTestId('department-row-sales').waitFor();

      await page.getByTestId('admin-tab-users').click();
      await createUser(page, {
        username: 'sales.lead',
        name: 'Zhou Hua',
        roles: ['Department admin'],
      });
      await createUser(page, { username: 'li.na', name: 'Li Na', roles: [], seniority: 'senior' });
      await createUser(page, {
        username: 'chen.yu',
        name: 'Chen Yu',
        roles: [],
        seniority: 'junior',
      });
      await expect.poll(() => page.getByTestId('user-row-li.na').textContent()).toContain('senior');
      // An admin's password reset: the rep logs in with the new one below.
      await page.getByTestId('user-password-li.na').click();
      await field(page.getByTestId('password-form'), 'password').fill('li.na-new-password');
      await page.getByTestId('password-form-submit').click();
      await page.getByTestId('admin-notice').waitFor();
      await page.getByTestId('user-search').fill('chen');
      await expect.poll(() => page.getByTestId('user-table').locator('tbody tr').count()).toBe(1);

      await page.getByTestId('admin-tab-pools').click();
      await page.getByTestId('pool-new').click();
      const poolForm = page.getByTestId('pool-form');
      await field(poolForm, 'key').fill('sales-east');
      await field(poolForm, 'nameEn').fill('Sales East');
      await field(poolForm, 'nameZh').fill('华东公海');
      await field(poolForm, 'distribution').selectOption({ label: 'Round robin' });
      await field(poolForm, 'departmentId').selectOption({ label: 'Sales' });
      await page.getByTestId('pool-form-submit').click();
      // A new pool opens on its members.
      await page.getByTestId('admin-pool').waitFor();
      for (const [name, role, capacity] of [
        ['Li Na (li.na)', 'Member', '30'],
        ['Chen Yu (chen.yu)', 'Member', ''],
        ['Zhou Hua (sales.lead)', 'Manager', ''],
      ] as const) {
        const form = page.getByTestId('member-form');
        await field(form, 'userId').selectOption({ label: name });
        await field(form, 'role').selectOption({ label: role });
        if (capacity) await field(form, 'capacity').fill(capacity);
        await page.getByTestId('member-form-submit').click();
        await page.getByTestId('member-table').getByText(name.split(' (')[0]).waitFor();
      }
      // Naming a member again changes their capacity.
      const change = page.getByTestId('member-form');
      await field(change, 'userId').selectOption({
        label: 'Li Na (li.na) · in the pool: change role or capacity',
      });
      await field(change, 'capacity').fill('40');
      await page.getByTestId('member-form-submit').click();
      await expect.poll(() => page.getByTestId('member-row-li.na').textContent()).toContain('40');
      await page.getByTestId('member-remove-chen.yu').click();
      await page.getByTestId('member-row-chen.yu').waitFor({ state: 'detached' });

      // What the pages did, as the runtime has it.
      const users = (await api<{ items: UserReply[] }>('GET', '/api/users')).items;
      const byName = Object.fromEntries(users.map((u) => [u.username, u]));
      expect(byName['sales.lead']).toMatchObject({
        roles: ['departmentAdmin', 'member'],
        departmentId: 'sales',
      });
      expect(byName['li.na']?.attributes).toEqual({ seniority: 'senior' });
      const pool = await api<PoolReply & { members: { userId: string }[] }>(
        'GET',
        '/api/pools/sales-east',
      );
      expect(pool).toMatchObject({
        departmentId: 'sales',
        timeZone: 'Asia/Shanghai',
        policyVersion: 1,
      });
      const ids = Object.fromEntries(
        (await api<{ items: (UserReply & { id: string })[] }>('GET', '/api/users')).items.map(
          (u) => [u.id, u.username],
        ),
      );
      expect(pool.members.map((m) => [ids[m.userId], m.role, m.capacity]).sort()).toEqual([
        ['li.na', 'member', 40],
        ['sales.lead', 'admin', null],
      ]);
      await page.getByTestId('admin-tab-pools').click();
      const row = page.getByTestId('pool-row-sales-east');
      await expect.poll(() => row.textContent()).toContain('Round robin');
      expect(await row.textContent()).toContain('v1');

      // The senior rep logs in and lands in the pool.
      const member = await session.browser.newPage({ viewport: { width: 1440, height: 900 } });
      await logInAs(member, runtime.url, 'li.na', 'li.na-new-password');
      await member.getByTestId('pool-view').waitFor();
      const picker = member.getByTestId('pool-picker');
      expect(await picker.locator('option:checked').textContent()).toBe('Sales East');
      expect(await member.getByTestId('nav-admin').count()).toBe(0);

      // The department admin administers users and pools, not departments.
      const lead = await session.browser.newPage({ viewport: { width: 1440, height: 900 } });
      await logInAs(lead, runtime.url, 'sales.lead', 'sales.lead-password');
      // They design their department's policies too: they land on the policies and templates.
      await lead.getByTestId('template-gallery').waitFor();
      await lead.getByTestId('nav-admin').click();
      await lead.getByTestId('user-row-li.na').waitFor();
      expect(await lead.getByTestId('admin-tab-departments').count()).toBe(0);
      expect(await lead.getByTestId('admin-tab-backup').count()).toBe(0);
      await lead.getByTestId('admin-tab-pools').click();
      await lead.getByTestId('pool-row-sales-east').waitFor();
    },
  );

  it('admin downloads a backup of the embedded database, is told how to restore it, and sees it in the activity log', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await logIn(page, session.runtime.url);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-tab-backup').click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('backup-download').click(),
    ]);
    const name = download.suggestedFilename();
    expect(name).toMatch(/^poolflow-backup-\d{4}-\d\d-\d\dT[\d-]+Z\.tar\.gz$/);
    // A tar of the database folder (gzip'd): the restore command reads it.
    const tar = gunzipSync(readFileSync(await download.path()));
    expect(tar.toString('latin1')).toContain('PG_VERSION');
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toMatch(
        new RegExp(`^Downloaded ${name.replace(/\./g, '\\.')} \\(\\d+(\\.\\d)? [KM]B\\)\\.$`),
      );
    expect(await page.getByTestId('backup-restore-command').textContent()).toBe(
      `npm run restore -- ${name}`,
    );

    // The activity log says who did it, newest first; by one user only on request.
    await page.getByTestId('admin-tab-activity').click();
    const rows = page.getByTestId('activity-table').locator('tbody tr');
    await expect.poll(() => rows.first().textContent()).toContain('Downloaded backup');
    expect(await rows.first().textContent()).toContain('Administrator');
    const texts = await rows.allTextContents();
    // The first test's work: the password reset shows as *** and names the user it was done to.
    const reset = texts.find((t) => t.includes('Changed user') && t.includes('Li Na'));
    expect(reset, texts.join('\n')).toContain('password: ***');
    expect(texts.join('\n')).not.toContain('li.na-new-password');
    expect(texts.some((t) => t.includes('Created pool') && t.includes('sales-east'))).toBe(true);
    await page.getByTestId('activity-actor').selectOption({ label: 'Li Na' });
    await expect.poll(() => rows.count()).toBe(0);
    await page.close();
  });
});
