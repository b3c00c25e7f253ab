// @vitest-environment jsdom
// The notify and webhook params forms come from the registry's paramsSchema: group recipients (pool
// managers, members with an attribute) and a group-robot preset render and are written back.
import { actions } from '@poolflow/engine';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../src/i18n/i18n.js';
import { actionParamsForm } from '../src/inspector/form-schemas.js';
import { SchemaForm } from '../src/inspector/schema-form.js';
import { crm } from './fixtures.js';

afterEach(cleanup);

function renderParams(type: string, value: Record<string, unknown>) {
  const onChange = vi.fn();
  const def = actions.get(type);
  if (!def) throw new Error(`no action ${type}`);
  render(
    <I18nProvider lang="en">
      <SchemaForm
        spec={actionParamsForm(def.paramsSchema as Record<string, unknown>)}
        value={value}
        onChange={onChange}
        policy={crm()}
        testId="params"
      />
    </I18nProvider>,
  );
  return { form: screen.getByTestId('params'), onChange };
}

describe('action params forms', () => {
  it('shows a notify to the pool managers, and one to members with an attribute', () => {
    const managers = renderParams('notify', { to: 'poolManagers', message: { en: 'Due soon' } });
    const options = [...managers.form.querySelectorAll('option')].map((o) => o.textContent);
    // Recipients are named in words (the value stays poolManagers).
    expect(options.join(' ')).toMatch(/Pool managers/);
    expect(managers.onChange).not.toHaveBeenCalled();
    cleanup();
    const seniors = renderParams('notify', {
      to: { attribute: 'seniority', equals: 'senior' },
      message: { en: 'Hard record in the pool' },
    });
    const inputs = [...seniors.form.querySelectorAll('input')].map((i) => i.value);
    expect(inputs).toContain('seniority');
    expect(inputs).toContain('senior');
  });

  it('offers the group-robot presets on a webhook', () => {
    const { form } = renderParams('webhook', {
      url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
      preset: 'wecom',
      message: { en: 'Won: {{entity.name}}' },
    });
    const options = [...form.querySelectorAll('option')].map((o) => o.textContent);
    for (const preset of ['WeCom', 'DingTalk', 'Feishu', 'Slack'])
      expect(options.join(' ')).toContain(preset);
    const picked = [...form.querySelectorAll('select')].map(
      (s) => s.options[s.selectedIndex]?.textContent,
    );
    expect(picked).toContain('WeCom');
    expect([...form.querySelectorAll('input')].map((i) => i.value)).toContain(
      'Won: {{entity.name}}',
    );
  });
});
