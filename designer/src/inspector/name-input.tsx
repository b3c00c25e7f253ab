// A name field that commits on Enter or blur, and only when the new name is valid.
import { useEffect, useState } from 'react';

export function NameInput(props: {
  label: string;
  hint: string;
  value: string;
  isValid: (value: string) => boolean;
  onCommit: (value: string) => void;
  testId: string;
}) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  const valid = props.isValid(text);
  const commit = () => {
    if (text !== props.value && valid) props.onCommit(text);
  };
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        value={text}
        data-testid={props.testId}
        aria-invalid={!valid}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setText(props.value);
        }}
      />
      <small className={valid ? 'muted' : 'error-text'}>{props.hint}</small>
    </label>
  );
}
