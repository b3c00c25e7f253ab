// End to end in Debian's Chromium (real runtime, manual clock): the rep's follow-up restarts the
// record's protection and is sampled; the manager opens the audit queue and marks it fake; the rep's
// record page shows the release back on its earlier date. And a second call within 48 hours: the rep
// sees when the next call is allowed, and the refusal says the same in words.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureDesignerBuilt,
  launchChromium,
  pageAs,
  startRuntime,
  type Runtime,
} from '../scripts/harness.js';
import {
  INTEGRITY_POOL as POOL,
  INTEGRITY_TIME_ZONE,
  passwordOf,
  seedIntegrity,
  type IntegritySeed,
} from '../scripts/integrity-seed.js';
import { formatDateTime } from '../src/workspace/format.js';
import { memoryImage } from '../../runtime-api/test/memory-image.js';

const DAY = 86_400_000;

interface RecordReply {
  timers: { delay: string; dueAt: string }[];
  nextContactAt?: { [channel: string]: string };
}

let runtime: Runtime;
let browser: Browser;
let seed: IntegritySeed;

beforeAll(async () => {
  await ensureDesignerBuilt();
  runtime = await startRuntime(memoryImage());
  browser = await launchChromium();
  seed = await seedIntegrity(runtime, ['Audited Co', 'Called Co']);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
});

const pageFor = (username: string): Promise<Page> =>
  pageAs(browser, runtime.url, { username, password: passwordOf(username) });

const readRecord = (id: string) =>
  seed.call<RecordReply>('boss', 'GET', `/api/pools/${POOL}/records/${id}`);
const releaseOf = (record: RecordReply) => record.timers.find((t) => t.delay === 'release')!.dueAt;

describe('pool integrity end to end', () => {
  it(
    'a manager marks a follow-up fake and the rep sees the earlier release date again',
    { timeout: 180_000 },
    async () => {
      const id = seed.records['Audited Co'];
      const original = releaseOf(await readRecord(id));
      await seed.call('admin', 'POST', '/api/clock/advance', { days: 10 });
      await seed.call('rep', 'POST', `/api/pools/${POOL}/records/${id}/events`, {
        type: 'FOLLOW_UP',
        payload: { channel: 'visit', note: 'Visited the office, talked about the renewal' },
      });
      const reset = releaseOf(await readRecord(id));
      expect(Date.parse(reset) - Date.parse(original)).toBe(10 * DAY);

      const boss = await pageFor('wang');
      await boss.goto(`${runtime.url}/#/pools/${POOL}/audits`);
      const card = boss.locator(`[data-testid=audit-card][data-record="${id}"]`);
      await card.waitFor();
      // The tab counts the open audits.
      expect(await boss.getByTestId('audits-badge').textContent()).toBe('1');
      expect(await card.getByTestId('audit-record').textContent()).toBe('Audited Co');
      expect(await card.getByTestId('audit-rep').textContent()).toBe('Chen Jie');
      expect(await card.getByTestId('audit-note').textContent()).toBe(
        'Visited the office, talked about the renewal',
      );
      await expect.poll(() => card.getByTestId('timeline-entry').count()).toBeGreaterThan(0);
      await card.getByTestId('audit-fake').click();
      await boss.getByTestId('audit-fake-note').fill('No visit in the visitor log');
      await boss.getByTestId('audit-fake-submit').click();
      await expect
        .poll(() => boss.getByTestId('notice').textContent())
        .toBe('Marked the follow-up on “Audited Co” fake.');
      await card.waitFor({ state: 'detached' });
      expect(await boss.getByTestId('audits-badge').count()).toBe(0);
      // The decided tab says what the verdict put back.
      await boss.getByTestId('audits-closed').click();
      const decided = boss.locator(`[data-testid=audit-card][data-record="${id}"]`);
      await expect.poll(() => decided.getAttribute('data-verdict')).toBe('fake');
      expect(
        await decided
          .getByTestId('audit-verdict')
          .getByTestId('audit-revoked')
          .getAttribute('data-due'),
      ).toBe(original);
      await boss.context().close();

      // The rep's record page: the release is due on its date before the fake follow-up.
      expect(releaseOf(await readRecord(id))).toBe(original);
      const rep = await pageFor('chen');
      await rep.goto(`${runtime.url}/#/pools/${POOL}/records/${id}`);
      const due = rep.locator('[data-testid=record-timers] li[data-delay=release] time');
      await expect.poll(() => due.getAttribute('datetime')).toBe(original);
      expect(await due.textContent()).toBe(formatDateTime(original, 'en', INTEGRITY_TIME_ZONE));
      // Its history says so in words.
      const step = rep.getByTestId('audit-step');
      await step.waitFor();
      expect(await step.textContent()).toContain(
        'A violation for Chen Jie · No visit in the visitor log',
      );
      expect(await step.getByTestId('audit-revoked').getAttribute('data-due')).toBe(original);
      await rep.context().close();
    },
  );

  it(
    'a second call within 48 hours: the rep sees when the next call is allowed, and why it is refused',
    { timeout: 180_000 },
    async () => {
      const id = seed.records['Called Co'];
      // The manager called the customer an hour ago.
      await seed.call('boss', 'POST', `/api/pools/${POOL}/records/${id}/events`, {
        type: 'FOLLOW_UP',
        payload: { channel: 'call', note: 'Called about the quote for next year' },
      });
      await seed.call('admin', 'POST', '/api/clock/advance', { minutes: 60 });
      const until = (await readRecord(id)).nextContactAt?.['call'];
      expect(until).toBeDefined();
      const date = formatDateTime(until!, 'en', INTEGRITY_TIME_ZONE);

      const rep = await pageFor('chen');
      const pageErrors: string[] = [];
      rep.on('pageerror', (e) => pageErrors.push(e.message));
      await rep.goto(`${runtime.url}/#/pools/${POOL}/records/${id}`);
      const next = rep.getByTestId('next-contact');
      // Seen twice in CI: the page became the pool list, because the landing's fall-back to the first
      // pool overwrote this link (fixed in workspace-page.tsx; workspace-landing.test.tsx). If the
      // line does not show, say what the page showed instead.
      await next.waitFor().catch(async (e: Error) => {
        const body = await rep.locator('body').innerText();
        throw new Error(
          `${e.message}\nurl: ${rep.url()}\npage errors: ${pageErrors.join(' | ')}\n${body}`,
        );
      });
      expect(await next.textContent()).toBe(`☎ Next call allowed from ${date}`);
      expect(await next.locator('time').getAttribute('datetime')).toBe(until);

      // The follow-up dialog says it once call is chosen; sending anyway is refused in words.
      await rep.getByTestId('event-FOLLOW_UP').click();
      const form = rep.getByTestId('event-form-FOLLOW_UP');
      await form.locator('#event-FOLLOW_UP_channel').selectOption({ label: 'call' });
      expect(await form.getByTestId('next-contact').textContent()).toBe(
        `☎ Next call allowed from ${date}`,
      );
      await form.locator('#event-FOLLOW_UP_note').fill('Calling again about the quote');
      await rep.getByTestId('event-submit').click();
      const error = rep.getByTestId('event-error');
      await error.waitFor();
      expect(await error.textContent()).toBe(
        `This record was contacted by call recently: the next call is allowed from ${date}.`,
      );
      expect(await error.getAttribute('data-until')).toBe(until);
      expect(await form.getByTestId('next-contact').count()).toBe(0); // said once, not twice
      // A visit is another channel: it goes through.
      await form.locator('#event-FOLLOW_UP_channel').selectOption({ label: 'visit' });
      expect(await form.getByTestId('next-contact').count()).toBe(0);
      await rep.getByTestId('event-submit').click();
      await expect.poll(() => rep.getByTestId('notice').textContent()).toContain('Called Co');
      await rep.context().close();
    },
  );
});
