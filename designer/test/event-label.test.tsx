// @vitest-environment jsdom
// A transition on a new event without a label: the inspector marked the label's "English*" required
// while validate() reported nothing. The label is optional: English is asked for once there is one.
import { validate, type Policy } from '@poolflow/engine';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { addTransition } from '../src/canvas/policy-graph.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { PolicySettings } from '../src/inspector/policy-settings.js';
import { TransitionInspector } from '../src/inspector/transition-inspector.js';
import { crm } from './fixtures.js';

afterEach(cleanup);

/** The labels of the event form's fields marked required ("English*"). */
const requiredFields = () =>
  [...screen.getByTestId('event-form').querySelectorAll('label .required')].map(
    (el) => el.parentElement?.textContent ?? '',
  );

const labelProblems = (policy: Policy, event: string) =>
  validate(policy).problems.filter((p) => p.path.startsWith(`/events/${event}`));

describe('the label of a transition’s event', () => {
  it('is not marked required while the event has none, and validate() agrees', () => {
    const added = addTransition(crm(), 'owned', 'pool');
    const ref = added.ref;
    expect(ref.kind).toBe('on');
    let latest = added.policy;
    function Harness() {
      const [policy, setPolicy] = useState(added.policy);
      return (
        <TransitionInspector
          policy={policy}
          refTo={ref}
          onChange={(next) => {
            latest = next;
            setPolicy(next);
          }}
          onSelect={() => undefined}
        />
      );
    }
    render(
      <I18nProvider lang="en">
        <Harness />
      </I18nProvider>,
    );
    expect(latest.events?.[ref.key]?.label).toBeUndefined();
    expect(labelProblems(latest, ref.key)).toEqual([]);
    expect(requiredFields()).toEqual([]);

    // A Chinese label alone: now English is required, and validate() says so too.
    const zh = screen
      .getByTestId('event-form')
      .querySelector<HTMLInputElement>('input[id$="_label_zh"]') as HTMLInputElement;
    fireEvent.change(zh, { target: { value: '新事件' } });
    expect(latest.events?.[ref.key]?.label).toEqual({ zh: '新事件' });
    expect(labelProblems(latest, ref.key).map((p) => p.path)).toEqual([
      `/events/${ref.key}/label/en`,
    ]);
    expect(requiredFields()).toEqual(['English*']);

    // Emptied again, the label is gone: nothing required, nothing reported.
    const zhAgain = screen
      .getByTestId('event-form')
      .querySelector<HTMLInputElement>('input[id$="_label_zh"]') as HTMLInputElement;
    fireEvent.change(zhAgain, { target: { value: '' } });
    expect(latest.events?.[ref.key]?.label).toBeUndefined();
    expect(labelProblems(latest, ref.key)).toEqual([]);
    expect(requiredFields()).toEqual([]);
  });
});

describe('Policy settings → Events', () => {
  it('marks no label’s English required, and an emptied label is removed', () => {
    const start = crm();
    start.events = { ...start.events, PARK: {} };
    let latest = start;
    function Harness() {
      const [policy, setPolicy] = useState(start);
      return (
        <PolicySettings
          policy={policy}
          section="events"
          onSection={() => undefined}
          onChange={(next) => {
            latest = next;
            setPolicy(next);
          }}
        />
      );
    }
    render(
      <I18nProvider lang="en">
        <Harness />
      </I18nProvider>,
    );
    const form = screen.getByTestId('settings-events');
    const englishLabels = form.querySelectorAll('label[for$="_label_en"]');
    expect(englishLabels.length).toBeGreaterThan(0);
    expect(form.querySelectorAll('label[for$="_label_en"] .required')).toHaveLength(0);

    const parkZh = () => form.querySelector<HTMLInputElement>('input[id$="PARK_label_zh"]')!;
    fireEvent.change(parkZh(), { target: { value: '搁置' } });
    expect(latest.events?.['PARK']?.label).toEqual({ zh: '搁置' });
    // The Problems panel still asks for its English.
    expect(labelProblems(latest, 'PARK').map((p) => p.path)).toEqual(['/events/PARK/label/en']);
    fireEvent.change(parkZh(), { target: { value: '' } });
    expect(latest.events?.['PARK']).toEqual({});
  });
});
