// The panel under the canvas: problems, simulator, versions.
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';

export type BottomTab = 'problems' | 'simulator' | 'versions';

export function BottomPanel(props: {
  tab: BottomTab;
  onTab: (tab: BottomTab) => void;
  problems: number;
  /** Validation warnings: counted apart, in amber (they do not block publishing). */
  warnings?: number;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const tabs: BottomTab[] = ['problems', 'simulator', 'versions'];
  return (
    <section className="bottom-panel">
      <div className="tabs" role="tablist">
        {tabs.map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            aria-selected={props.tab === tab}
            className={props.tab === tab ? 'tab active' : 'tab'}
            data-testid={`tab-${tab}`}
            onClick={() => props.onTab(tab)}
          >
            {t(tab)}
            {tab === 'problems' && (
              <span
                className={props.problems > 0 ? 'count bad' : 'count'}
                data-testid="problem-count"
              >
                {props.problems}
              </span>
            )}
            {tab === 'problems' && (props.warnings ?? 0) > 0 && (
              <span className="count warn" data-testid="warning-count" title={t('warning')}>
                {props.warnings}
              </span>
            )}
          </button>
        ))}
      </div>
      <div className="tab-body">{props.children}</div>
    </section>
  );
}
