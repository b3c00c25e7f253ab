// Short-lived confirmations ("claimed …") and refusals that stay until read.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import type { Refusal } from './claim-refusal.js';
import { formatDateTime } from './format.js';
import { useWorkspace } from './workspace-context.js';

/**
 * A confirmation at the bottom of the page for 5 seconds; a warning (`warn`: the event was recorded but
 * did not count) stays until clicked.
 */
export function useNotice(): {
  show: (text: string, tone?: 'warn') => void;
  element: ReactNode;
} {
  const [notice, setNotice] = useState<{ text: string; tone: 'warn' | undefined } | null>(null);
  useEffect(() => {
    if (!notice || notice.tone === 'warn') return;
    const timer = setTimeout(() => setNotice(null), 5000);
    return () => clearTimeout(timer);
  }, [notice]);
  const show = useCallback((text: string, tone?: 'warn') => setNotice({ text, tone }), []);
  const element = notice ? (
    <div
      className={notice.tone === 'warn' ? 'notice warn' : 'notice'}
      role={notice.tone === 'warn' ? 'alert' : 'status'}
      data-testid="notice"
      data-tone={notice.tone ?? 'info'}
      onClick={() => setNotice(null)}
    >
      {notice.text}
    </div>
  ) : null;
  return { show, element };
}

export function RefusalAlert(props: { refusal: Refusal & { title: string }; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { words } = useWorkspace();
  const { refusal } = props;
  return (
    <div
      className="alert error refusal"
      role="alert"
      data-testid="refusal"
      data-code={refusal.code}
      data-until={refusal.until}
    >
      <strong>
        {refusal.title
          ? t('refusedTitle', { ...words, title: refusal.title })
          : t('refusedNextTitle', words)}
      </strong>{' '}
      <RefusalText refusal={refusal} lang={lang} />
      <button type="button" className="alert-close" aria-label="close" onClick={props.onClose}>
        ✕
      </button>
    </div>
  );
}

/** The refusal's words, its cooldown date as a <time> the browser and tests can read. */
function RefusalText({ refusal, lang }: { refusal: Refusal; lang: 'en' | 'zh' }) {
  const date = refusal.until ? formatDateTime(refusal.until, lang) : '';
  const at = date ? refusal.text.indexOf(date) : -1;
  if (!refusal.until || at < 0) return <span>{refusal.text}</span>;
  return (
    <span>
      {refusal.text.slice(0, at)}
      <time dateTime={refusal.until} data-testid="refusal-until">
        {date}
      </time>
      {refusal.text.slice(at + date.length)}
    </span>
  );
}
