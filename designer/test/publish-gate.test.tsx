// @vitest-environment jsdom
// The publish gate in the designer: a refused publish lists the failing saved scenarios in plain words
// (en and zh), opens one in the simulator with its failing step highlighted, and "Publish anyway"
// needs a message; forced versions carry a badge in the history.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '@poolflow/engine';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/client.js';
import type { ScenarioFailure, VersionSummary } from '../src/api/policies.api.js';
import { stateLabel } from '../src/canvas/policy-graph.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { PublishDialog } from '../src/pages/publish-dialog.js';
import { ScenarioRefusal } from '../src/pages/scenario-refusal.js';
import { durationWords } from '../src/simulator/failure-text.js';
import { SimulatorPanel } from '../src/simulator/simulator-panel.js';
import { VersionsPanel } from '../src/versions/versions-panel.js';
import { crm } from './fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const scenarioDir = join(
  import.meta.dirname,
  '..',
  '..',
  'templates',
  'crm-customer-pool',
  'scenarios',
);
/** The CRM template cloned with its scenarios, and a claim rule no scenario user passes. */
function brokenClone(): Policy {
  const policy = crm();
  policy.claim = {
    ...policy.claim,
    eligible: { '==': [{ var: 'user.attributes.seniority' }, ''] },
  };
  policy.scenarios = readdirSync(scenarioDir)
    .sort()
    .map((f) => JSON.parse(readFileSync(join(scenarioDir, f), 'utf8')) as Record<string, unknown>);
  return policy;
}

// As the runtime answers them (runtime-api/test/publish-gate.test.ts checks the same shape).
const release: ScenarioFailure = {
  scenario: { index: 0, name: 'Released after 30 days without follow-up, reminded 7 days before' },
  step: {
    index: 4,
    at: 'P31D',
    actor: 'bob',
    event: 'CLAIM',
    rejected: {
      code: 'POOL_ERR_NOT_ELIGIBLE',
      message: 'you are not eligible to claim this record',
    },
  },
  expectation: { field: 'state', expected: 'owned', actual: 'pool' },
  failedExpectations: 3,
  message:
    'scenario "Released after 30 days…", step 5 of 5 (P31D, bob: CLAIM): expected state "owned", got "pool"',
};
const cooldown: ScenarioFailure = {
  scenario: { index: 2, name: 'The previous owner may not reclaim for 7 days; others may' },
  step: { index: 1, at: 'P8D', actor: 'alice', event: 'CLAIM' },
  expectation: {
    field: 'rejected',
    expected: 'POOL_ERR_COOLDOWN',
    actual: 'POOL_ERR_NOT_ELIGIBLE',
  },
  failedExpectations: 1,
  message: 'scenario "The previous owner…", step 2 of 4',
};
const broken: ScenarioFailure = {
  scenario: { index: 9, name: 'Half-written' },
  step: null,
  expectation: null,
  failedExpectations: 0,
  error: {
    code: 'POOL_ERR_INVALID_PAYLOAD',
    message: "/document/scenarios/9/steps/0 must have required property 'at'",
  },
  message: 'scenario "Half-written" could not run',
};

describe('publish dialog refused by the gate', () => {
  it('shows the failing scenarios in plain words, opens one, and forces only with a message', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(new Response(JSON.stringify({ items: [] }))));
    const policy = brokenClone();
    const onPublish = vi
      .fn<(message: string, force: boolean) => Promise<number>>()
      .mockRejectedValueOnce(
        new ApiError(422, 'POOL_ERR_SCENARIO_FAILED', 'not published', [release, cooldown, broken]),
      )
      .mockResolvedValueOnce(2);
    const onOpenScenario = vi.fn();
    render(
      <I18nProvider lang="en">
        <PublishDialog
          policyId={policy.id}
          policy={policy}
          onPublish={onPublish}
          onOpenScenario={onOpenScenario}
          onRollout={() => undefined}
          onClose={() => undefined}
        />
      </I18nProvider>,
    );
    fireEvent.change(screen.getByTestId('publish-message'), {
      target: { value: 'tighter claims' },
    });
    fireEvent.click(screen.getByTestId('publish-submit'));
    await screen.findByTestId('gate-refusal');
    expect(onPublish).toHaveBeenCalledWith('tighter claims', false);
    // The change note is not taken as the reason to force: the field starts empty again.
    expect(screen.getByTestId<HTMLInputElement>('publish-message').value).toBe('');
    expect(screen.getByTestId('gate-refusal-title').textContent).toBe(
      `Not published: 3 of ${policy.scenarios!.length} saved scenarios fail`,
    );
    const [first, second, third] = screen.getAllByTestId('gate-failure');
    const owned = stateLabel(policy, 'owned', 'en');
    const pooled = stateLabel(policy, 'pool', 'en');
    expect(first.textContent).toContain(
      'Released after 30 days without follow-up, reminded 7 days before',
    );
    expect(first.textContent).toContain(
      'Step 5 of the scenario, 31 days after the start: bob sends CLAIM',
    );
    expect(first.textContent).toContain(
      'Why: the claim rule (who may claim) does not allow this user (POOL_ERR_NOT_ELIGIBLE)',
    );
    expect(first.textContent).toContain(
      `Expected state ${owned}, but the record was in ${pooled}.`,
    );
    expect(first.textContent).toContain('2 more expectations of this scenario fail too.');
    expect(second.textContent).toContain('8 days after the start: alice sends CLAIM');
    expect(second.textContent).toContain(
      'Expected it to be refused with POOL_ERR_COOLDOWN, but got POOL_ERR_NOT_ELIGIBLE.',
    );
    expect(third.textContent).toContain(
      'This scenario could not run: /document/scenarios/9/steps/0',
    );

    fireEvent.click(within(second).getByTestId('gate-open-simulator'));
    expect(onOpenScenario).toHaveBeenCalledWith(cooldown);

    // "Publish anyway" replaces Publish, and stays disabled until the reason is written.
    const anyway = screen.getByTestId<HTMLButtonElement>('publish-anyway');
    expect(anyway.textContent).toBe('Publish anyway');
    expect(anyway.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('publish-message'), { target: { value: '   ' } });
    expect(anyway.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('publish-message'), {
      target: { value: 'claims frozen during the audit' },
    });
    expect(anyway.disabled).toBe(false);
    fireEvent.click(anyway);
    await waitFor(() =>
      expect(onPublish).toHaveBeenLastCalledWith('claims frozen during the audit', true),
    );
    await screen.findByTestId('published-step');
  });

  it('says the same in Chinese', () => {
    const policy = brokenClone();
    render(
      <I18nProvider lang="zh">
        <ScenarioRefusal policy={policy} failures={[release]} onOpen={() => undefined} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('gate-refusal-title').textContent).toBe(
      `未发布：${policy.scenarios!.length} 个已保存场景中有 1 个未通过`,
    );
    const text = screen.getByTestId('gate-failure').textContent ?? '';
    expect(text).toContain('场景第 5 步，开始后 31天：bob 发送 CLAIM');
    expect(text).toContain('领取规则（“谁可以领取”）不允许该用户');
    expect(text).toContain(`预期状态为“${stateLabel(policy, 'owned', 'zh')}”`);
    expect(screen.getByTestId('gate-open-simulator').textContent).toBe('在模拟器中打开');
  });

  it('words durations the way people say them', () => {
    expect(durationWords('P31D', 'en')).toBe('31 days');
    expect(durationWords('P6M5D', 'en')).toBe('6 months 5 days');
    expect(durationWords('PT1H30M', 'en')).toBe('1 hour 30 minutes');
    expect(durationWords('P1Y2W', 'zh')).toBe('1年2周');
  });
});

describe('simulator opened from a refused publish', () => {
  it('runs that saved scenario and highlights its failing step', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new Error('offline')));
    const policy = brokenClone();
    render(
      <I18nProvider lang="en">
        <SimulatorPanel
          policy={policy}
          onChange={() => undefined}
          onPath={() => undefined}
          focus={{ index: 0, step: 4, nonce: 1 }}
        />
      </I18nProvider>,
    );
    const summary = await screen.findByTestId('sim-summary');
    expect(summary.getAttribute('data-ok')).toBe('false');
    expect(screen.getByTestId<HTMLSelectElement>('scenario-picker').value).toBe('0');
    expect(screen.getByTestId<HTMLTextAreaElement>('scenario-json').value).toContain(
      'Released after 30 days',
    );
    const marked = screen
      .getAllByTestId('trace-entry')
      .filter((e) => e.getAttribute('data-highlight') === 'true');
    expect(marked).toHaveLength(1);
    // The failures read as the refusal did, step numbers included (not the engine's 0-based ones),
    // each step named once with all it failed.
    const first = screen.getAllByTestId('sim-failure')[0];
    expect(first?.className).toContain('highlight');
    expect(screen.getAllByTestId('sim-failure')).toHaveLength(1);
    expect(first?.textContent).toContain('Expected it to go through, but it was refused.');
    expect(first?.textContent).toContain(
      `Step 5 of the scenario, 31 days after the start: bob sends CLAIM. Expected state ${stateLabel(policy, 'owned', 'en')}, but the record was in ${stateLabel(policy, 'pool', 'en')}.`,
    );
    expect(marked[0].textContent).toContain('CLAIM');
    expect(marked[0].textContent).toContain('bob');
  });
});

describe('version history', () => {
  it('marks a forced version and names the scenarios it was published past', async () => {
    const policy = crm();
    const versions: VersionSummary[] = [
      {
        version: 2,
        message: 'claims frozen during the audit',
        publishedBy: 'admin',
        publishedAt: '2026-03-02T10:00:00.000Z',
        forced: true,
        failedScenarios: [release, cooldown],
      },
      {
        version: 1,
        message: 'first',
        publishedBy: 'admin',
        publishedAt: '2026-03-01T10:00:00.000Z',
        forced: false,
        failedScenarios: [],
      },
    ];
    vi.stubGlobal('fetch', (url: string) =>
      Promise.resolve(
        new Response(
          JSON.stringify(
            url.endsWith('/versions') ? { items: versions } : { ...versions[0], document: policy },
          ),
        ),
      ),
    );
    render(
      <I18nProvider lang="en">
        <VersionsPanel policy={policy} refresh={0} />
      </I18nProvider>,
    );
    const v2 = await screen.findByTestId('version-2');
    expect(within(v2).getByTestId('forced-badge').textContent).toBe('forced');
    expect(v2.textContent).toContain('claims frozen during the audit');
    expect(within(v2).getByTestId('forced-failures').textContent).toBe(
      'Published although 2 saved scenarios failed: Released after 30 days without follow-up, reminded 7 days before · The previous owner may not reclaim for 7 days; others may',
    );
    expect(within(screen.getByTestId('version-1')).queryByTestId('forced-badge')).toBeNull();
    cleanup();

    // In Chinese the publish time reads as a Chinese date, not "3/1/2026, 10:00:00 AM".
    render(
      <I18nProvider lang="zh">
        <VersionsPanel policy={policy} refresh={0} />
      </I18nProvider>,
    );
    const v1 = await screen.findByTestId('version-1');
    expect(v1.textContent).toMatch(/2026年3月1日/);
    expect(v1.textContent).not.toMatch(/AM|PM/);
  });
});
