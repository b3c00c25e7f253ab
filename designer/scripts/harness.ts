// Shared by the e2e test, the screenshot script and the render bench: the built designer served by a
// real runtime (in-memory database, manual clock) and Debian's headless Chromium.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp } from '../../runtime-api/src/app.js';

export const designerDir = join(import.meta.dirname, '..');
export const ADMIN_PASSWORD = 'designer-e2e-password';

/** Builds designer/dist with Vite unless it is there already. */
export async function ensureDesignerBuilt(): Promise<void> {
  if (existsSync(join(designerDir, 'dist', 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(designerDir, 'vite.config.ts'), logLevel: 'warn' });
}

export interface Runtime {
  url: string;
  close(): Promise<void>;
}

/** An app on in-memory PGlite; `image` is a migrated database image to start from (tests: memoryImage). */
export async function startRuntime(image?: Blob): Promise<Runtime> {
  const app = await buildApp({ dataDir: ':memory:', image, clock: 'manual', secret: 'x' });
  await app.auth.ensureAdmin(ADMIN_PASSWORD);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, close: () => app.close() };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** The built designer on a fresh runtime, in Debian's Chromium, with one desktop-sized page. */
export interface BrowserSession {
  runtime: Runtime;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowserSession(): Promise<BrowserSession> {
  await ensureDesignerBuilt();
  const runtime = await startRuntime();
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  return {
    runtime,
    browser,
    page,
    async close() {
      await browser.close();
      await runtime.close();
    },
  };
}

export async function logIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('template-gallery').waitFor();
}

/** Logs a workspace user in (any user; admins land on the policies, others on the workspace). */
export async function logInAs(
  page: Page,
  url: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor();
}

/** A JSON call to the runtime's API over HTTP, as a user's token; throws on an unexpected status. */
export async function apiCall<T = unknown>(
  url: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path, url), {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export type ApiCaller = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

/** The admin's session token, logged in over HTTP. */
export async function adminToken(url: string): Promise<string> {
  const { token } = await apiCall<{ token: string }>(url, null, 'POST', '/api/auth/login', {
    username: 'admin',
    password: ADMIN_PASSWORD,
  });
  return token;
}

/** Logs the admin in over HTTP once; the calls that follow go as the admin. */
export async function adminApi(url: string): Promise<ApiCaller> {
  const token = await adminToken(url);
  return (method, path, body) => apiCall(url, token, method, path, body);
}

/** A new browser context in `lang` (desktop-sized unless told), logged in as a workspace user. */
export async function pageAs(
  browser: Browser,
  url: string,
  user: { username: string; password: string },
  options: { lang?: 'en' | 'zh'; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1440, height: 900 },
  });
  await context.addInitScript(
    (lang) => localStorage.setItem('poolflow.lang', lang),
    options.lang ?? 'en',
  );
  const page = await context.newPage();
  await logInAs(page, url, user.username, user.password);
  return page;
}

/**
 * The folder named by SCREENSHOTS_DIR (created), or undefined. The browser tests that take a README
 * screenshot write it only there, so `npm test` leaves docs/screenshots/ as committed (on a machine
 * without a CJK font it rewrote the Chinese ones as boxes).
 */
export function screenshotsDir(): string | undefined {
  const out = process.env['SCREENSHOTS_DIR'];
  if (out) mkdirSync(out, { recursive: true });
  return out || undefined;
}

/**
 * What a screenshot script starts with: the screenshots folder (SCREENSHOTS_DIR, else docs/screenshots/;
 * created), the built designer, a runtime, Chromium.
 */
export async function startScreenshots(): Promise<{
  out: string;
  runtime: Runtime;
  browser: Browser;
}> {
  const out = screenshotsDir() ?? join(designerDir, '..', 'docs', 'screenshots');
  mkdirSync(out, { recursive: true });
  await ensureDesignerBuilt();
  return { out, runtime: await startRuntime(), browser: await launchChromium() };
}
