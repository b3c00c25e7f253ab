// A modal dialog: Escape or the backdrop closes it.
import { useEffect, type ReactNode } from 'react';

export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const { onClose } = props;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={props.wide ? 'dialog wide' : 'dialog'} role="dialog" aria-label={props.title}>
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

/** A dialog's Cancel and primary buttons. Without `onSubmit` the primary button submits its form. */
export function DialogActions(props: {
  cancelLabel: string;
  onCancel: () => void;
  submitLabel: string;
  testId: string;
  disabled?: boolean;
  onSubmit?: (() => void) | undefined;
}) {
  return (
    <div className="dialog-actions">
      <button type="button" className="btn" onClick={props.onCancel}>
        {props.cancelLabel}
      </button>
      <button
        type={props.onSubmit ? 'button' : 'submit'}
        className="btn primary"
        disabled={props.disabled}
        data-testid={props.testId}
        onClick={props.onSubmit}
      >
        {props.submitLabel}
      </button>
    </div>
  );
}
