// @vitest-environment jsdom
// The editor in Chinese: every pane rendered for each template shows no English UI or help text,
// the string tables are complete, and timers read as words in timelines.
import { simulate, type Policy, type Scenario } from '@poolflow/engine';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HistoryEntry } from '../src/api/records.api.js';
import { builtinActionTypes } from '../src/api/actions.api.js';
import type { Pool } from '../src/api/pools.api.js';
import { policyToGraph } from '../src/canvas/policy-graph.js';
import type { SettingsSection } from '../src/canvas/selection.js';
import { editorTables } from '../src/i18n/editor-messages.js';
import { I18nProvider, makeI18n } from '../src/i18n/i18n.js';
import { en, zh, type MessageKey } from '../src/i18n/messages.js';
import { SimulatorPanel } from '../src/simulator/simulator-panel.js';
import { TraceTimeline } from '../src/simulator/trace-timeline.js';
import { diffPolicies } from '../src/versions/version-diff.js';
import { NotificationBell } from '../src/workspace/notification-bell.js';
import { RecordTimeline } from '../src/workspace/record-timeline.js';
import { poolWords } from '../src/workspace/claim-refusal.js';
import { timerLabel } from '../src/workspace/timer-label.js';
import { WorkspaceProvider } from '../src/workspace/workspace-context.js';
import { loadTemplate } from './fixtures.js';
import { renderInspector } from './inspector-harness.js';
import { CRM_POOL, crmPoolPolicy, ME } from './workspace-fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const TEMPLATES = ['crm-customer-pool', 'hr-candidate-pool', 'service-ticket-pool'];
const SECTIONS: SettingsSection[] = [
  'general',
  'entity',
  'events',
  'delays',
  'calendars',
  'rules',
  'claim',
  'score',
];
/** Latin words a Chinese UI keeps: product and format names. */
const KEPT =
  /^(Poolflow|JSON|JSON-logic|Webhook|URL|POST|ID|IANA|Slack|SLA|CSV|YYYY-MM-DD|Asia|Shanghai|entity|instance)$/;

/** The policy's own identifiers (states, events, delays, rules, fields, users): data, not UI. */
function identifiers(policy: Policy): Set<string> {
  const names = new Set<string>([policy.id]);
  const add = (list: Iterable<string>) => {
    for (const n of list) names.add(n);
  };
  add(Object.keys(policy.machine.states));
  add(Object.keys(policy.events ?? {}));
  add(Object.keys(policy.delays ?? {}));
  add(Object.keys(policy.rules ?? {}));
  add(Object.keys(policy.calendars ?? {}));
  add(Object.keys(policy.entity.schema.properties));
  for (const s of policy.scenarios ?? []) add(Object.keys(s.users ?? {}));
  // The users of the simulator's sample scenario.
  add(['alice', 'bob']);
  return names;
}

/** Visible English: text, titles, placeholders, labels and options with a Latin word in them. */
function englishIn(root: HTMLElement, policy: Policy): string[] {
  const known = identifiers(policy);
  const found = new Set<string>();
  const check = (text: string | null | undefined) => {
    const value = (text ?? '').trim();
    // JSON and rule paths shown as code are data.
    if (!value || /^[{[]/.test(value) || /^(entity|instance|user|event)\./.test(value)) return;
    const words = value.match(/[A-Za-z][A-Za-z_-]{2,}[A-Za-z0-9_]*/g) ?? [];
    const foreign = words.filter((w) => !known.has(w) && !KEPT.test(w) && !value.includes(`{{`));
    if (foreign.length > 0) found.add(value);
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement?.closest('textarea, pre, code, input')) continue;
    check(n.textContent);
  }
  for (const el of root.querySelectorAll('[title], [placeholder], [aria-label]')) {
    for (const attr of ['title', 'placeholder', 'aria-label']) check(el.getAttribute(attr));
  }
  return [...found];
}

describe('editor panes in Chinese', () => {
  for (const id of TEMPLATES) {
    it(`${id}: settings, states, transitions and simulator show no English text`, async () => {
      const policy = loadTemplate(id);
      const english: string[] = [];
      const collect = (where: string, root: HTMLElement) =>
        english.push(...englishIn(root, policy).map((s) => `${where}: ${s}`));
      for (const section of SECTIONS) {
        collect(section, renderInspector(policy, null, section).container);
        cleanup();
      }
      for (const name of Object.keys(policy.machine.states)) {
        collect(name, renderInspector(policy, { kind: 'state', name }, 'general').container);
        cleanup();
      }
      for (const edge of policyToGraph(policy).edges) {
        const selection = { kind: 'transition' as const, id: edge.id };
        collect(edge.id, renderInspector(policy, selection, 'general').container);
        cleanup();
      }
      const sim = render(
        <I18nProvider lang="zh">
          <SimulatorPanel
            policy={policy}
            onChange={() => undefined}
            onPath={() => undefined}
            focus={null}
          />
        </I18nProvider>,
      );
      const picker = sim.container.querySelector<HTMLSelectElement>(
        '[data-testid=scenario-picker]',
      );
      if (picker && picker.options.length > 2) {
        fireEvent.change(picker, { target: { value: '0' } });
      }
      fireEvent.click(screen.getByTestId('run-scenario'));
      await waitFor(() => expect(screen.queryAllByTestId('trace-entry').length).toBeGreaterThan(0));
      collect('simulator', sim.container);
      expect(english).toEqual([]);
    });
  }

  it('the params form of every action type shows no English (a webhook read "Message language")', () => {
    const policy = loadTemplate('crm-customer-pool');
    const entry = builtinActionTypes().map((a) => ({ type: a.type, params: {} }));
    policy.machine.states['review'] = { ...policy.machine.states['review'], entry };
    // The webhook's every field, with a group robot and a message language picked.
    entry.push({
      type: 'webhook',
      params: { url: 'https://example.com/hook', preset: 'wecom', language: 'zh' },
    });
    const { container } = renderInspector(policy, { kind: 'state', name: 'review' }, 'general');
    expect(englishIn(container, policy)).toEqual([]);
    const selects = [...container.querySelectorAll('select')].map((s) => s.textContent ?? '');
    expect(selects.some((s) => s.includes('企业微信') && s.includes('钉钉'))).toBe(true);
  });

  it('action types and notification kinds read as words, not `notify` or `refused`', () => {
    const policy = loadTemplate('crm-customer-pool');
    renderInspector(policy, { kind: 'state', name: 'review' }, 'general');
    const select = screen.getAllByRole('combobox', { name: '动作类型' })[0];
    expect(select.textContent).toContain('发送通知');
    expect(select.textContent).not.toContain('notify');
  });
});

describe('notification kinds', () => {
  it('shows a `refused` notification as 被拒绝 in Chinese', async () => {
    const item = {
      id: '1',
      recordId: 'r1',
      pool: 'crm',
      kind: 'refused',
      message: { en: 'Claim refused.', zh: '领取被拒绝。' },
      createdAt: '2026-01-01T00:00:00.000Z',
      read: false,
    };
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(JSON.stringify({ unread: 1, items: [item] })))),
    );
    render(
      <I18nProvider lang="zh">
        <NotificationBell />
      </I18nProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('unread-count').textContent).toBe('1'));
    fireEvent.click(screen.getByTestId('bell'));
    const panel = await screen.findByTestId('notifications');
    expect(panel.querySelector('.kind')?.textContent).toBe('被拒绝');
  });
});

describe('version diff in Chinese', () => {
  it('names states, timers and settings by their Chinese labels', () => {
    const before = loadTemplate('crm-customer-pool');
    const after = structuredClone(before);
    after.delays = { ...after.delays, release: { days: 45 } };
    after.machine.states['review'].on = { ...after.machine.states['review'].on, PARK: 'nurture' };
    after.machine.initial = 'pool';
    const diff = diffPolicies(before, after, 'zh');
    expect(diff.settings.map((d) => d.title)).toEqual(['时长']);
    expect(diff.transitions.map((d) => d.title)).toEqual(['主管审核 —PARK→ 长期培育']);
    // What changed in a transition reads as words, not "guard, target".
    after.machine.states['pool'].on = { ...after.machine.states['pool'].on, CLAIM: 'owned' };
    const claim = diffPolicies(before, after, 'zh').transitions.find((d) => d.change === 'changed');
    expect(claim?.fields).toEqual(['条件', '目标状态']);
    expect(diff.states.map((d) => d.title)).toEqual(['初始状态：私海 → 公海']);
    after.machine.states['owned'].after = { ...after.machine.states['owned'].after, remind: [] };
    const timers = diffPolicies(before, after, 'zh').transitions.map((d) => d.title);
    expect(timers).toContain('私海 —◷ 提醒→ （原状态）');
  });
});

describe('string tables', () => {
  it('every UI key has a Chinese text that is not the English one', () => {
    const missing = (Object.keys(en) as MessageKey[]).filter(
      (key) =>
        !zh[key] || (zh[key] === en[key] && !KEPT.test(en[key]) && /[a-z]{3,}/.test(en[key])),
    );
    expect(missing).toEqual([]);
  });

  it('the editor tables name every value in both languages', () => {
    for (const [table, rows] of Object.entries(editorTables)) {
      for (const [key, value] of Object.entries(rows as Record<string, unknown>)) {
        const texts = Array.isArray(value) ? value : [value];
        const chinese = texts[texts.length - 1] as string;
        expect(chinese, `${table}.${key}`).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });
});

describe('timer lines', () => {
  const pool: Pool = CRM_POOL;
  const remind: HistoryEntry = {
    seq: 4,
    at: '2026-03-01T02:00:00.000Z',
    actorId: null,
    event: 'TIMER',
    payload: { timer: 'remind' },
    from: 'owned',
    to: 'owned',
    ownerFrom: ME.id,
    ownerTo: ME.id,
    tags: [],
    reason: 'timeout',
  };

  for (const [lang, text] of [
    ['en', 'Timer “Reminder”'],
    ['zh', '定时器“到期提醒”触发'],
  ] as const) {
    it(`a record's timeline names the timer that fired (${lang}), never an empty “”`, () => {
      render(
        <I18nProvider lang={lang}>
          <WorkspaceProvider
            me={ME}
            pools={[pool]}
            pool={pool}
            policy={crmPoolPolicy()}
            clockOffset={0}
            reload={() => undefined}
          >
            <RecordTimeline history={[remind, { ...remind, seq: 5, payload: {} }]} />
          </WorkspaceProvider>
        </I18nProvider>,
      );
      const lines = screen.getAllByTestId('timeline-entry').map((e) => e.textContent ?? '');
      expect(lines[1]).toContain(text);
      expect(lines.join('\n')).not.toContain('“”');
      // The timer's name is in the line, not repeated as a raw "timer: remind" payload.
      expect(lines.join('\n')).not.toMatch(/timer: remind/);
      expect(lines[0]).toContain(lang === 'zh' ? '定时器触发' : 'Timer fired');
    });
  }

  it("names every template's delays in both languages, and any other delay by its id", () => {
    const delays = ['release', 'remind', 'escalate', 'nurtureEnd', 'reengage', 'firstResponse'];
    const names = (lang: 'en' | 'zh') => {
      const i18n = makeI18n(lang);
      const words = poolWords(undefined, i18n);
      return [...delays, 'slaWarning', 'autoClose', 'followUpWindow'].map((d) =>
        timerLabel(d, i18n.t, words),
      );
    };
    expect(names('en')).toEqual([
      'Back to the pool',
      'Reminder',
      'Escalation reminder',
      'End of nurture',
      'Re-engage',
      'First response due',
      'Response time warning',
      'Auto close',
      'followUpWindow',
    ]);
    expect(names('zh')).toEqual([
      '释放回公海',
      '到期提醒',
      '升级提醒',
      '培育结束',
      '重新激活',
      '首次响应时限',
      '时限预警',
      '自动关闭',
      'followUpWindow',
    ]);
  });

  it('the simulator trace shows a timer by what it does, in Chinese', () => {
    const policy = loadTemplate('crm-customer-pool');
    const entry = {
      at: '2026-03-24T00:00:00.000Z',
      step: null,
      trigger: 'timer remind',
      actor: null,
      from: 'owned',
      to: 'owned',
      ownerId: 'alice',
      tags: [],
      score: 0,
      notified: [{ to: ['alice'], kind: 'reminder', message: '…' }],
      effects: [],
    };
    render(
      <I18nProvider lang="zh">
        <TraceTimeline policy={policy} trace={[entry]} />
      </I18nProvider>,
    );
    const line = screen.getByTestId('trace-entry').textContent ?? '';
    expect(line).toContain('定时器：提醒 · 转入公海前 7 天');
    expect(line).toContain('alice (提醒)');
    expect(line).not.toContain('remind');
  });

  it('names who a group notification reached in the trace, never an empty "Notified: (Escalation)"', () => {
    const policy = loadTemplate('crm-customer-pool');
    const scenario = JSON.parse(
      readFileSync(
        join(
          import.meta.dirname,
          '../../templates/crm-customer-pool/scenarios/01-release-after-30-days.json',
        ),
        'utf8',
      ),
    ) as Scenario;
    const escalation = (users: NonNullable<Scenario['users']>, lang: 'en' | 'zh') => {
      const { trace } = simulate(policy, { ...scenario, users });
      render(
        <I18nProvider lang={lang}>
          <TraceTimeline policy={policy} trace={trace} />
        </I18nProvider>,
      );
      const lines = screen.getAllByTestId('trace-entry').map((e) => e.textContent ?? '');
      cleanup();
      return lines.find((l) => l.includes(lang === 'zh' ? '升级' : 'Escalation'));
    };
    // The template's scenario has no manager: the group is named, with none of its users.
    expect(escalation(scenario.users ?? {}, 'en')).toContain(
      'Notified: Pool managers: none in this scenario (Escalation)',
    );
    expect(escalation(scenario.users ?? {}, 'zh')).toContain('公海管理者：本场景中没有 (升级)');
    // A manager in the scenario is the one notified.
    const withManager = { ...scenario.users, mia: { roles: ['manager'] } };
    expect(escalation(withManager, 'en')).toContain('Notified: mia (Escalation)');
  });
});
