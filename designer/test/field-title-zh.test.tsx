// @vitest-environment jsdom
// A field's Chinese label is edited in the fields form (it was JSON only) and read by the workspace.
import type { Policy } from '@poolflow/engine';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { PolicySettings } from '../src/inspector/policy-settings.js';
import { fieldLabelOf } from '../src/workspace/field-labels.js';
import { crm } from './fixtures.js';

afterEach(cleanup);

function renderFields(lang: Lang, onChange: (p: Policy) => void, policy: Policy = crm()) {
  render(
    <I18nProvider lang={lang}>
      <PolicySettings
        policy={policy}
        section="entity"
        onSection={() => undefined}
        onChange={onChange}
      />
    </I18nProvider>,
  );
  return screen.getByTestId('settings-entity');
}

/** The input of row `index`'s property `key` in the fields form. */
function rowInput(form: HTMLElement, index: number, key: string): HTMLInputElement {
  const element = form.querySelector<HTMLInputElement>(`input[id$="_${index}_${key}"]`);
  if (!element) throw new Error(`no input for row ${index} ${key}`);
  return element;
}

describe('a field’s Chinese label', () => {
  it('is written as x-title-zh beside the title, shown by the workspace in 中文, and removed when emptied', () => {
    const onChange = vi.fn();
    const form = renderFields('en', onChange);
    const names = Object.keys(crm().entity.schema.properties ?? {});
    const index = names.indexOf('industry');
    expect(within(form).getAllByText('Label in Chinese').length).toBe(names.length);
    fireEvent.change(rowInput(form, index, 'titleZh'), { target: { value: '所属行业' } });
    const written = onChange.mock.calls.at(-1)?.[0] as Policy;
    const industry = written.entity.schema.properties?.['industry'] as Record<string, unknown>;
    expect(industry['x-title-zh']).toBe('所属行业');
    // What the form does not show is kept (the choices, the English title).
    expect(industry['enum']).toEqual(
      (crm().entity.schema.properties?.['industry'] as { enum: unknown }).enum,
    );
    expect(fieldLabelOf('industry', industry, 'zh')).toBe('所属行业');
    expect(fieldLabelOf('industry', industry, 'en')).toBe('Industry');

    cleanup();
    const again = vi.fn();
    const zhForm = renderFields('zh', again, { ...crm(), entity: written.entity });
    expect(within(zhForm).getAllByText('中文显示名').length).toBe(names.length);
    const box = rowInput(zhForm, index, 'titleZh');
    expect(box.value).toBe('所属行业');
    fireEvent.change(box, { target: { value: '' } });
    const emptied = again.mock.calls.at(-1)?.[0] as Policy;
    expect(emptied.entity.schema.properties?.['industry']).not.toHaveProperty('x-title-zh');
  });
});
