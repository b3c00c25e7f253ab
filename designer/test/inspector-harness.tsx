// The policy inspector on its own, for component tests: a policy, what is selected and which settings
// section is open, in one language; every change is ignored.
import type { Policy } from '@poolflow/engine';
import { render } from '@testing-library/react';
import type { Selection, SettingsSection } from '../src/canvas/selection.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { Inspector } from '../src/inspector/inspector.js';

export function renderInspector(
  policy: Policy,
  selection: Selection | null,
  section: SettingsSection,
  lang: Lang = 'zh',
) {
  return render(
    <I18nProvider lang={lang}>
      <Inspector
        policy={policy}
        selection={selection}
        section={section}
        onSection={() => undefined}
        onSelect={() => undefined}
        onChange={() => undefined}
      />
    </I18nProvider>,
  );
}
