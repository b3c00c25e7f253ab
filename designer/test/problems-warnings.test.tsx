// @vitest-environment jsdom
// Validation warnings in the Problems panel: listed after the problems as warnings, in both languages,
// counted apart in amber, and the policy still "can be published"; the publish dialog says them first.
import { validate, type Policy } from '@poolflow/engine';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { ProblemsPanel } from '../src/inspector/problems-panel.js';
import { BottomPanel } from '../src/pages/bottom-panel.js';
import { PublishDialog } from '../src/pages/publish-dialog.js';
import { loadTemplate } from './fixtures.js';

afterEach(cleanup);

/** The service template with a calendar whose holidays ended long ago. */
function staleCalendar(): Policy {
  const policy = loadTemplate('service-ticket-pool');
  policy.calendars!['cn'].holidays = ['2020-01-01', '2020-10-01'];
  return policy;
}

function panel(policy: Policy, lang: Lang, onPick = vi.fn()) {
  const result = validate(policy);
  render(
    <I18nProvider lang={lang}>
      <BottomPanel
        tab="problems"
        onTab={() => undefined}
        problems={result.problems.length}
        warnings={result.warnings.length}
      >
        <ProblemsPanel
          policy={policy}
          problems={result.problems}
          warnings={result.warnings}
          onPick={onPick}
        />
      </BottomPanel>
    </I18nProvider>,
  );
}

describe('Problems panel warnings', () => {
  it('shows a calendar whose holidays ran out as a warning, not a problem, and opens it', () => {
    const onPick = vi.fn();
    panel(staleCalendar(), 'en', onPick);
    expect(screen.getByTestId('no-problems').textContent).toContain(
      'No problems: this policy can be published. Warnings do not stop publishing.',
    );
    expect(screen.queryByTestId('problem')).toBeNull();
    const warning = screen.getByTestId('warning');
    expect(warning.className).toBe('problem warning');
    expect(warning.dataset['code']).toBe('calendar-holidays-ending');
    expect(warning.dataset['path']).toBe('/calendars/cn/holidays');
    expect(warning.textContent).toContain('Warning');
    expect(warning.textContent).toContain('calendar "cn" lists holidays up to 2020-10-01');
    expect(screen.getByTestId('problem-count').className).toBe('count');
    expect(screen.getByTestId('problem-count').textContent).toBe('0');
    expect(screen.getByTestId('warning-count').textContent).toBe('1');
    fireEvent.click(warning);
    expect(onPick).toHaveBeenCalledWith(
      expect.objectContaining({ path: '/calendars/cn/holidays' }),
    );
  });

  it('says it in Chinese', () => {
    panel(staleCalendar(), 'zh');
    const warning = screen.getByTestId('warning');
    expect(warning.textContent).toContain('提醒');
    expect(warning.textContent).toContain('工作日历“cn”的节假日只列到 2020-10-01');
    expect(screen.getByTestId('no-problems').textContent).toContain('提醒不影响发布');
  });

  it('lists warnings after the problems when there are both', () => {
    const policy = staleCalendar();
    policy.machine.states['queue'].on!['CLAIM'] = 'nowhere';
    panel(policy, 'en');
    expect(screen.queryByTestId('no-problems')).toBeNull();
    const items = [
      ...document.querySelectorAll('[data-testid="problem"], [data-testid="warning"]'),
    ];
    expect(items.map((el) => (el as HTMLElement).dataset['testid'])).toEqual([
      'problem',
      'warning',
    ]);
    expect(screen.getByTestId('problem-count').className).toBe('count bad');
  });
});

describe('the publish dialog', () => {
  function dialog(policy: Policy, lang: Lang, onPublish = vi.fn(() => Promise.resolve(2))) {
    render(
      <I18nProvider lang={lang}>
        <PublishDialog
          policyId={policy.id}
          policy={policy}
          warnings={validate(policy).warnings}
          onPublish={onPublish}
          onOpenScenario={() => undefined}
          onRollout={() => undefined}
          onClose={() => undefined}
        />
      </I18nProvider>,
    );
    return onPublish;
  }

  it('says the warnings before publishing, and publishes all the same', async () => {
    const onPublish = dialog(staleCalendar(), 'en');
    const said = screen.getByTestId('publish-warnings');
    expect(said.textContent).toContain('This version can be published; note first:');
    expect(said.textContent).toContain('calendar "cn" lists holidays up to 2020-10-01');
    expect(said.querySelector('li')?.dataset['code']).toBe('calendar-holidays-ending');
    fireEvent.change(screen.getByTestId('publish-message'), { target: { value: 'new SLA' } });
    fireEvent.click(screen.getByTestId('publish-submit'));
    await waitFor(() => expect(onPublish).toHaveBeenCalledWith('new SLA', false));
    await screen.findByTestId('published-step');
  });

  it('in Chinese, and says nothing for a policy without warnings', () => {
    dialog(staleCalendar(), 'zh');
    const said = screen.getByTestId('publish-warnings').textContent;
    expect(said).toContain('可以发布，但请先留意：');
    expect(said).toContain('工作日历“cn”的节假日只列到 2020-10-01');
    cleanup();
    const listed = loadTemplate('service-ticket-pool');
    // The next two years (UTC's year may be behind Shanghai's on 31 December).
    const year = new Date().getUTCFullYear();
    listed.calendars!['cn'].holidays = [`${year + 1}-01-01`, `${year + 2}-01-01`];
    dialog(listed, 'en');
    expect(screen.queryByTestId('publish-warnings')).toBeNull();
  });
});
