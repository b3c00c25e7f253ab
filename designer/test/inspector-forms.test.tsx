// @vitest-environment jsdom
import { validate, type Policy } from '@poolflow/engine';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDelay } from '../src/canvas/edge-label.js';
import { withMode } from '../src/inspector/delay-field.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { PolicySettings, SECTIONS } from '../src/inspector/policy-settings.js';
import { ProblemsPanel } from '../src/inspector/problems-panel.js';
import { StateInspector } from '../src/inspector/state-inspector.js';
import { TransitionInspector } from '../src/inspector/transition-inspector.js';
import { crm } from './fixtures.js';

afterEach(cleanup);

/** The last policy the inspector handed back. */
function lastPolicy(onChange: ReturnType<typeof vi.fn>): Policy {
  const calls = onChange.mock.calls;
  expect(calls.length).toBeGreaterThan(0);
  return calls[calls.length - 1][0] as Policy;
}

function input(container: HTMLElement, id: string): HTMLInputElement {
  const element = container.querySelector<HTMLInputElement>(`#${id}`);
  if (!element) throw new Error(`no input #${id}`);
  return element;
}

describe('inspector forms', () => {
  it('renders the state form from the schema and writes a changed label and pool flag back', () => {
    const onChange = vi.fn();
    render(
      <I18nProvider lang="en">
        <StateInspector
          policy={crm()}
          name="review"
          onChange={onChange}
          onSelect={() => undefined}
        />
      </I18nProvider>,
    );
    const form = screen.getByTestId('state-form');
    // Showing a form changes nothing.
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.change(input(form, 'state-form_meta_label_en'), {
      target: { value: 'Manager check' },
    });
    expect(lastPolicy(onChange).machine.states['review']?.meta?.label).toEqual({
      en: 'Manager check',
      zh: '主管审核',
    });
    fireEvent.click(input(form, 'state-form_meta_pooled'));
    const review = lastPolicy(onChange).machine.states['review'];
    expect(review?.meta?.pooled).toBe(true);
    // Transitions and actions are untouched by the form.
    expect(review?.on).toEqual(crm().machine.states['review']?.on);
    expect(review?.entry).toEqual(crm().machine.states['review']?.entry);
  });

  it('renders entry actions with the params form of their action type', () => {
    const onChange = vi.fn();
    render(
      <I18nProvider lang="en">
        <StateInspector policy={crm()} name="pool" onChange={onChange} onSelect={() => undefined} />
      </I18nProvider>,
    );
    const params = screen.getByTestId('entry-actions-0-params');
    fireEvent.change(input(params, 'entry-actions-0-params_add'), { target: { value: 'tough' } });
    expect(lastPolicy(onChange).machine.states['pool']?.entry).toEqual([
      { type: 'tag', params: { add: 'tough', when: { rule: 'isHard' } } },
    ]);
  });

  it('edits the claim rules and shows their eligibility rule', () => {
    const onChange = vi.fn();
    render(
      <I18nProvider lang="en">
        <PolicySettings
          policy={crm()}
          section="claim"
          onSection={() => undefined}
          onChange={onChange}
        />
      </I18nProvider>,
    );
    const form = screen.getByTestId('settings-claim');
    expect(onChange).not.toHaveBeenCalled();
    expect(within(form).getByText('Max claims per day')).toBeTruthy();
    fireEvent.change(input(form, 'settings-claim_maxPerDay'), { target: { value: '12' } });
    expect(lastPolicy(onChange).claim).toEqual({ ...crm().claim, maxPerDay: 12 });
    // Eligibility is shown in the rule builder: "tags does not contain hard" or "isSenior holds".
    const rules = screen.getByTestId('field-eligible').querySelectorAll('.rule');
    expect(rules).toHaveLength(2);
    expect(rules[0]?.querySelector<HTMLInputElement>('.rule-value')?.value).toBe('hard');
    expect(rules[1]?.querySelector<HTMLSelectElement>('.rule-value')?.value).toBe('isSenior');
  });

  it('changes nothing by opening a settings section, one the policy does not have included', () => {
    // The CRM template has no calendars: opening the section made `calendars: {}` an edit (an undo
    // step and a draft save) without a click.
    const policy = crm();
    expect(policy.calendars).toBeUndefined();
    for (const section of SECTIONS) {
      const onChange = vi.fn();
      render(
        <I18nProvider lang="en">
          <PolicySettings
            policy={policy}
            section={section}
            onSection={() => undefined}
            onChange={onChange}
          />
        </I18nProvider>,
      );
      expect(onChange, section).not.toHaveBeenCalled();
      cleanup();
    }
  });

  it('shows the score, which the builder cannot show, as raw JSON and applies edits', () => {
    const onChange = vi.fn();
    render(
      <I18nProvider lang="en">
        <PolicySettings
          policy={crm()}
          section="score"
          onSection={() => undefined}
          onChange={onChange}
        />
      </I18nProvider>,
    );
    const json = screen.getByTestId<HTMLTextAreaElement>('settings-score-json');
    expect(JSON.parse(json.value)).toEqual(crm().score);
    fireEvent.change(json, { target: { value: '{"+": [1, 2]}' } });
    fireEvent.blur(json);
    expect(lastPolicy(onChange).score).toEqual({ '+': [1, 2] });
  });

  it('changes the protection period in the delays form', () => {
    const onChange = vi.fn();
    render(
      <I18nProvider lang="en">
        <PolicySettings
          policy={crm()}
          section="delays"
          onSection={() => undefined}
          onChange={onChange}
        />
      </I18nProvider>,
    );
    fireEvent.change(screen.getByTestId('field-release-days'), { target: { value: '45' } });
    expect(lastPolicy(onChange).delays).toEqual({ ...crm().delays, release: { days: 45 } });
  });

  it('offers "N days before <timer>" for a delay, in English and Chinese', () => {
    const onChange = vi.fn();
    const policy = crm();
    policy.delays = { ...policy.delays, remind: { days: 23 } };
    render(
      <I18nProvider lang="en">
        <PolicySettings
          policy={policy}
          section="delays"
          onSection={() => undefined}
          onChange={onChange}
        />
      </I18nProvider>,
    );
    const mode = screen.getByTestId<HTMLSelectElement>('delay-remind-mode');
    expect(mode.value).toBe('fixed');
    expect([...mode.options].map((o) => o.text)).toEqual([
      'after entering the state',
      'before another timer',
      'after another timer',
    ]);
    fireEvent.change(mode, { target: { value: 'before' } });
    // The first other delay is picked and the amount stays; the admin then picks release and 7 days.
    expect(lastPolicy(onChange).delays?.['remind']).toEqual({ days: 23, before: 'escalate' });
    fireEvent.change(screen.getByTestId('delay-remind-reference'), {
      target: { value: 'release' },
    });
    const relative = lastPolicy(onChange);
    expect(relative.delays?.['remind']).toEqual({ days: 23, before: 'release' });
    cleanup(); // the provider keeps its first language: show the form afresh in Chinese
    render(
      <I18nProvider lang="zh">
        <PolicySettings
          policy={relative}
          section="delays"
          onSection={() => undefined}
          onChange={onChange}
        />
      </I18nProvider>,
    );
    const reference = screen.getByTestId<HTMLSelectElement>('delay-remind-reference');
    expect([...reference.options].map((o) => o.value)).toEqual([
      'escalate',
      'release',
      'nurtureEnd',
    ]);
    expect(
      screen.getByTestId<HTMLSelectElement>('delay-remind-mode').selectedOptions[0]?.text,
    ).toBe('在另一个定时器之前');
    fireEvent.change(screen.getByTestId('field-remind-days'), { target: { value: '7' } });
    expect(lastPolicy(onChange).delays?.['remind']).toEqual({ days: 7, before: 'release' });
    // Back to a fixed delay: the reference goes.
    fireEvent.change(screen.getByTestId('delay-remind-mode'), { target: { value: 'fixed' } });
    expect(lastPolicy(onChange).delays?.['remind']).toEqual({ days: 7 });
  });

  it('labels a relative timer on the canvas as "7d before release"', () => {
    expect(formatDelay({ before: 'release', days: 7 }, 'en')).toBe('7d before release');
    expect(formatDelay({ after: 'release', hours: 2 }, 'zh')).toBe('release 后 2 小时');
    // On a calendar, a relative amount is working time: the label says so.
    expect(formatDelay({ before: 'firstResponse', hours: 1, calendar: 'cn' }, 'en')).toBe(
      '1h (business) before firstResponse',
    );
  });

  it('keeps a business calendar when a timer becomes relative, and drops its until time', () => {
    expect(withMode({ hours: 1, calendar: 'cn' }, 'before', 'firstResponse')).toEqual({
      hours: 1,
      calendar: 'cn',
      before: 'firstResponse',
    });
    expect(withMode({ until: { var: 'instance.nurtureUntil' } }, 'after', 'release')).toEqual({
      after: 'release',
    });
  });

  it('lists a half-built "who may claim" rule (name == "") as a problem instead of "No problems"', () => {
    const policy = crm();
    policy.claim = { ...policy.claim, eligible: { '==': [{ var: 'entity.name' }, ''] } };
    const onPick = vi.fn();
    render(
      <I18nProvider lang="en">
        <ProblemsPanel policy={policy} problems={validate(policy).problems} onPick={onPick} />
      </I18nProvider>,
    );
    expect(screen.queryByTestId('no-problems')).toBeNull();
    const problem = screen.getByTestId('problem');
    expect(problem.dataset['code']).toBe('rule-constant');
    expect(problem.dataset['path']).toBe('/claim/eligible');
    expect(problem.textContent).toContain('always false whatever the record: nobody can claim');
  });

  it('edits a named rule in the visual rule builder', () => {
    const onChange = vi.fn();
    render(
      <I18nProvider lang="en">
        <PolicySettings
          policy={crm()}
          section="rules"
          onSection={() => undefined}
          onChange={onChange}
        />
      </I18nProvider>,
    );
    const builder = screen.getByTestId('field-isHard');
    const value = builder.querySelector<HTMLInputElement>('.rule-value');
    if (!value) throw new Error('no value editor');
    expect(value.value).toBe('3');
    fireEvent.change(value, { target: { value: '4' } });
    expect(lastPolicy(onChange).rules?.['isHard']).toEqual({
      '>=': [{ var: 'instance.poolEntries' }, 4],
    });
  });

  it('edits a transition: target, and the payload fields of its event', () => {
    const onChange = vi.fn();
    const ref = { source: 'owned', kind: 'on' as const, key: 'RELEASE', index: 0 };
    render(
      <I18nProvider lang="en">
        <TransitionInspector
          policy={crm()}
          refTo={ref}
          onChange={onChange}
          onSelect={() => undefined}
        />
      </I18nProvider>,
    );
    const form = screen.getByTestId('transition-form');
    fireEvent.change(form.querySelector('select')!, { target: { value: '4' } });
    expect(lastPolicy(onChange).machine.states['owned']?.on?.['RELEASE']).toBe('won');
    const payload = screen.getByTestId('field-payload');
    const title = payload.querySelector<HTMLInputElement>('input[id$="_0_title"]');
    fireEvent.change(title!, { target: { value: 'Why' } });
    expect(lastPolicy(onChange).events?.['RELEASE']?.payload).toEqual({
      type: 'object',
      required: ['reason'],
      additionalProperties: false,
      // Renaming the field keeps what the form does not show (the template's not-blank pattern).
      properties: {
        reason: { type: 'string', title: 'Why', minLength: 1, maxLength: 500, pattern: '\\S' },
      },
    });
  });
});
