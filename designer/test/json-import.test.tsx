// @vitest-environment jsdom
// Import JSON: a document the editor cannot draw is refused with the path of what is missing; what it
// accepts, every pane of the inspector can show (an import without `entity` used to blank the page).
import { cleanup } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { makeI18n } from '../src/i18n/i18n.js';
import { SECTIONS } from '../src/inspector/policy-settings.js';
import { renderInspector } from './inspector-harness.js';
import { importProblem, parseImportedPolicy } from '../src/pages/json-io.js';

afterEach(cleanup);

/** The notice the editor shows for an imported text, or null when it takes the document. */
function refusal(text: string, lang: 'en' | 'zh' = 'en'): string | null {
  try {
    parseImportedPolicy(text, 'my-pool');
    return null;
  } catch (e) {
    const { t } = makeI18n(lang);
    return t('importFailed', { message: importProblem(e, t) });
  }
}

const minimal = {
  machine: { initial: 'a', states: { a: {} } },
  entity: { schema: { type: 'object', properties: {} } },
};

describe('importing a policy document', () => {
  it('refuses a document the canvas and the inspector cannot show, naming what is missing', () => {
    expect(refusal(JSON.stringify({ machine: { initial: 'a', states: { a: {} } } }))).toBe(
      'Not a policy document: /entity is missing or not an object',
    );
    expect(refusal(JSON.stringify({ ...minimal, entity: { schema: {} } }))).toBe(
      'Not a policy document: /entity/schema/properties is missing or not an object',
    );
    expect(refusal(JSON.stringify({ ...minimal, machine: { states: { a: null } } }))).toBe(
      'Not a policy document: /machine/states/a is missing or not an object',
    );
    expect(
      refusal(JSON.stringify({ ...minimal, machine: { states: { a: { entry: 'notify' } } } })),
    ).toBe('Not a policy document: /machine/states/a/entry is not a list');
    expect(refusal('[]', 'zh')).toBe('不是策略文档：/ 缺失或不是对象');
    expect(refusal('{"machine":', 'zh')).toMatch(/^不是策略文档：文件不是 JSON（/);
  });

  it('takes a minimal document under the edited id, and every pane of the inspector shows it', () => {
    const policy = parseImportedPolicy(JSON.stringify({ ...minimal, id: 'other' }), 'my-pool');
    expect(policy.id).toBe('my-pool');
    const selections = [
      ...SECTIONS.map((section) => ({ section, selection: null })),
      { section: 'general' as const, selection: { kind: 'state' as const, name: 'a' } },
    ];
    for (const { section, selection } of selections) {
      const view = renderInspector(policy, selection, section, 'en');
      expect(view.container.textContent).not.toBe('');
      cleanup();
    }
  });
});
