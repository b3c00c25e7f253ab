// @vitest-environment jsdom
// A transition on a new event without a label: the inspector marked the label's "English*" required
// while validate() reported nothing. The label is optional: English is asked for once there is one.
import { validate, type Policy } from '@poolflow/engine';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { addTransition } from '../src/canvas/policy-graph.js';
import { I18nProvider } from '../src/i18n/i18n.js';
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
