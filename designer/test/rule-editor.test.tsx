// @vitest-environment jsdom
// The rule builder with a half-filled condition: picking "between" wrote the rule `false` until both
// values were typed, and with `false` as the value the Builder button was disabled (stuck in JSON).
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { I18nProvider } from '../src/i18n/i18n.js';
import { RuleEditor } from '../src/rules/rule-editor.js';
import { crm } from './fixtures.js';

afterEach(cleanup);

const policy = crm();
const start = { '>=': [{ var: 'instance.claims' }, 3] };

function Harness({ written }: { written: unknown[] }) {
  const [value, setValue] = useState<unknown>(start);
  return (
    <RuleEditor
      value={value}
      policy={policy}
      testId="rule"
      onChange={(next) => {
        written.push(next);
        setValue(next);
      }}
    />
  );
}

describe('rule builder with an incomplete condition', () => {
  it('writes no rule until "between" has both values, and the builder stays reachable', () => {
    const written: unknown[] = [];
    const view = render(
      <I18nProvider lang="en">
        <Harness written={written} />
      </I18nProvider>,
    );
    const operator = view.container.querySelector('select.rule-operators') as HTMLSelectElement;
    fireEvent.change(operator, { target: { value: 'between' } });
    expect(written).toEqual([]);
    expect(screen.getByTestId('rule-incomplete').textContent).toMatch(/not complete/);

    // In JSON the last complete rule is shown, and the way back to the builder is open.
    fireEvent.click(screen.getByTestId('rule-json-mode'));
    const builder = screen.getByRole<HTMLButtonElement>('button', { name: 'Builder' });
    expect(builder.disabled).toBe(false);
    fireEvent.click(builder);

    // Both values typed: the range is written.
    const value = (i: number) =>
      view.container.querySelectorAll<HTMLInputElement>('.rule-value input')[i];
    fireEvent.change(value(0), { target: { value: '1' } });
    expect(written).toEqual([]);
    fireEvent.change(value(1), { target: { value: '5' } });
    expect(written.at(-1)).toEqual({ '<=': [1, { var: 'instance.claims' }, 5] });
    expect(screen.queryByTestId('rule-incomplete')).toBeNull();
  });
});

describe('rule builder: empty fields and negated groups', () => {
  const show = (value: unknown, lang: 'en' | 'zh' = 'en') =>
    render(
      <I18nProvider lang={lang}>
        <RuleEditor value={value} policy={policy} testId="rule" onChange={() => undefined} />
      </I18nProvider>,
    );

  it('shows "phone is empty" (the demo routing\'s rule) in the builder, with no value to fill', () => {
    const view = show({ '!': { var: 'entity.phone' } }, 'zh');
    expect(screen.queryByText('可视化编辑器无法展示此规则，请编辑 JSON。')).toBeNull();
    const operator = view.container.querySelector('select.rule-operators') as HTMLSelectElement;
    expect(operator.value).toBe('empty');
    expect(operator.selectedOptions[0]?.textContent).toBe('为空');
    expect(view.container.querySelector('.rule-value')).toBeNull();
  });

  it('writes "is not empty" picked in the builder as !! of the field', () => {
    const written: unknown[] = [];
    const view = render(
      <I18nProvider lang="en">
        <RuleEditor
          value={{ '==': [{ var: 'entity.phone' }, '123'] }}
          policy={policy}
          testId="rule"
          onChange={(next) => written.push(next)}
        />
      </I18nProvider>,
    );
    const operator = view.container.querySelector('select.rule-operators') as HTMLSelectElement;
    fireEvent.change(operator, { target: { value: 'notEmpty' } });
    expect(written.at(-1)).toEqual({ '!!': { var: 'entity.phone' } });
  });

  it('shows a negated condition with its "not" ticked, not as the condition it negates', () => {
    const view = show({ '!': { '==': [{ var: 'entity.industry' }, 'trade'] } });
    const toggles = [
      ...view.container.querySelectorAll<HTMLInputElement>('.ruleGroup-notToggle input'),
    ];
    expect(toggles.map((t) => t.checked)).toContain(true);
  });
});
