// Shows a policy diff grouped by states, transitions, rules and settings.
import { useI18n } from '../i18n/i18n.js';
import type { DiffItem, PolicyDiff } from './version-diff.js';

const GROUPS = ['states', 'transitions', 'rules', 'settings'] as const;
const SIGN = { added: '+', removed: '−', changed: '~' };

export function DiffView({ diff }: { diff: PolicyDiff }) {
  const { t } = useI18n();
  const total = GROUPS.reduce((n, g) => n + diff[g].length, 0);
  if (total === 0)
    return (
      <p className="muted" data-testid="diff-empty">
        {t('noChanges')}
      </p>
    );
  const heading: Record<(typeof GROUPS)[number], string> = {
    states: t('states'),
    transitions: t('transitions'),
    rules: t('rules'),
    settings: t('settings'),
  };
  return (
    <div className="diff" data-testid="version-diff">
      {GROUPS.filter((g) => diff[g].length > 0).map((g) => (
        <section key={g}>
          <h4>{heading[g]}</h4>
          <ul>
            {diff[g].map((item: DiffItem) => (
              <li
                key={`${item.change}-${item.key}`}
                className={`diff-item ${item.change}`}
                data-testid="diff-item"
              >
                <span className="diff-sign">{SIGN[item.change]}</span>
                <span className="diff-title">{item.title}</span>
                <span className="diff-change">{t(item.change)}</span>
                {item.fields && item.fields.length > 0 && (
                  <span className="diff-fields">{item.fields.join(', ')}</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
