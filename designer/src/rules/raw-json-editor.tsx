// A JSON text editor: edits stay local until they parse, then apply on blur or Ctrl+Enter.
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';

export function RawJsonEditor(props: {
  value: unknown;
  onChange: (value: unknown) => void;
  rows?: number;
  testId?: string;
}) {
  const { t } = useI18n();
  const pretty = props.value === undefined ? '' : JSON.stringify(props.value, null, 2);
  const [text, setText] = useState(pretty);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(pretty);
    setError(null);
  }, [pretty]);

  const apply = () => {
    if (text === pretty) return;
    try {
      const parsed: unknown = text.trim() === '' ? undefined : JSON.parse(text);
      setError(null);
      props.onChange(parsed);
    } catch (e) {
      setError(`${t('invalidJson')}: ${(e as Error).message}`);
    }
  };

  return (
    <div className="raw-json">
      <textarea
        className="code"
        spellCheck={false}
        rows={props.rows ?? Math.min(14, Math.max(3, text.split('\n').length))}
        value={text}
        data-testid={props.testId}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) apply();
        }}
      />
      {error && <div className="error-text">{error}</div>}
    </div>
  );
}
