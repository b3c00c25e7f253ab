// @vitest-environment jsdom
// The entity inspector offers the unique fields (查重) as checkboxes of the text and number fields, as
// it offers the fields masked in the pool; a field ticked is written to entity.uniqueFields, and a
// version that changes them says so in the version diff.
import type { Policy } from '@poolflow/engine';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { PolicySettings } from '../src/inspector/policy-settings.js';
import { diffPolicies } from '../src/versions/version-diff.js';
import { crm } from './fixtures.js';

afterEach(cleanup);

function renderEntity(lang: Lang, onChange: (p: Policy) => void, policy: Policy = crm()) {
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

/** The checkboxes of an array property of the entity form, by the field each stands for. */
function checkboxes(form: HTMLElement, property: string): Map<string, HTMLInputElement> {
  const boxes = form.querySelectorAll<HTMLInputElement>(
    `input[type="checkbox"][id^="settings-entity_${property}-"]`,
  );
  return new Map([...boxes].map((box) => [box.closest('label')?.textContent ?? '', box]));
}

/** The title the form shows over an array property of the entity form. */
const titleOf = (form: HTMLElement, property: string) =>
  form.querySelector(`label[for="settings-entity_${property}"]`)?.textContent;

describe('unique fields in the entity inspector', () => {
  it('offers the text and number fields as checkboxes, and a ticked one is written to the document', () => {
    const onChange = vi.fn();
    const form = renderEntity('en', onChange);
    expect(titleOf(form, 'uniqueFields')).toBe('Unique: no two records may share the value (查重)');
    const boxes = checkboxes(form, 'uniqueFields');
    // The CRM's fields are text or an integer, all of which may be kept unique.
    expect([...boxes.keys()]).toEqual(['name', 'industry', 'phone', 'level', 'urgency']);
    // The template checks names and phones for duplicates.
    const ticked = () => [...boxes].filter(([, b]) => b.checked).map(([field]) => field);
    expect(ticked()).toEqual(['name', 'phone']);
    fireEvent.click(boxes.get('urgency')!);
    const written = onChange.mock.calls.at(-1)?.[0] as Policy;
    expect([...(written.entity.uniqueFields ?? [])].sort()).toEqual(['name', 'phone', 'urgency']);
    // The fields masked in the pool are their own list, left as they were.
    expect(written.entity.maskedInPool).toEqual(['phone']);
  });

  it('shows the document’s unique fields ticked, in Chinese too, and unticks one', () => {
    const policy = crm();
    policy.entity.uniqueFields = ['name', 'phone'];
    const onChange = vi.fn();
    const form = renderEntity('zh', onChange, policy);
    expect(titleOf(form, 'uniqueFields')).toBe('查重字段（不允许两条记录相同）');
    expect(form.querySelector('#settings-entity_uniqueFields__description')?.textContent).toMatch(
      /^本策略各公海中任意两条记录都不能相同的字段（查重）/,
    );
    const boxes = checkboxes(form, 'uniqueFields');
    expect([...boxes.values()].map((b) => b.checked)).toEqual([true, false, true, false, false]);
    fireEvent.click(boxes.get('phone')!);
    expect((onChange.mock.calls.at(-1)?.[0] as Policy).entity.uniqueFields).toEqual(['name']);
  });

  it('does not offer a field that holds neither text nor a number', () => {
    const policy = crm();
    policy.entity.schema.properties['vip'] = { type: 'boolean', title: 'VIP' };
    const form = renderEntity('en', () => undefined, policy);
    expect([...checkboxes(form, 'uniqueFields').keys()]).toEqual([
      'name',
      'industry',
      'phone',
      'level',
      'urgency',
    ]);
    // Masking takes any field.
    expect([...checkboxes(form, 'maskedInPool').keys()]).toContain('vip');
  });

  it('still shows a field the document lists that may not be unique, to untick it', () => {
    const policy = crm();
    policy.entity.schema.properties['vip'] = { type: 'boolean', title: 'VIP' };
    policy.entity.uniqueFields = ['vip'];
    const onChange = vi.fn();
    const form = renderEntity('en', onChange, policy);
    const vip = checkboxes(form, 'uniqueFields').get('vip')!;
    expect(vip.checked).toBe(true);
    fireEvent.click(vip);
    expect((onChange.mock.calls.at(-1)?.[0] as Policy).entity.uniqueFields).toEqual([]);
  });
});

describe('unique fields in the version diff', () => {
  it('names a change of the unique fields among the entity’s changed fields, in Chinese as words', () => {
    const after = structuredClone(crm());
    after.entity.uniqueFields = ['name'];
    expect(diffPolicies(crm(), after).settings).toEqual([
      { key: 'entity', title: 'entity', change: 'changed', fields: ['uniqueFields'] },
    ]);
    expect(diffPolicies(crm(), after, 'zh').settings).toEqual([
      { key: 'entity', title: '记录字段', change: 'changed', fields: ['查重字段'] },
    ]);
  });
});
