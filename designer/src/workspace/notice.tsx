// Short-lived confirmations ("claimed …") and refusals that stay until read.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import type { Refusal } from './claim-refusal.js';
import { formatDateTime } from './format.js';
import { useWorkspace } from './workspace-context.js';

export function useNotice(): { show: (text: string) => void; element: ReactNode } {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    if (!text) return;
    const timer = setTimeout(() => setText(null), 5000);
    return () => clearTimeout(timer);
  }, [text]);
  const show = useCallback((next: string) => setText(next), []);
  const element = text ? (
    <div className="notice" role="status" data-testid="notice" onClick={() => setText(null)}>
      {text}
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
