// Publishes the draft as a new immutable version, with a message.
import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { Dialog, DialogActions } from './dialog.js';

export function PublishDialog(props: {
  onPublish: (message: string) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await props.onPublish(message);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('publishTitle')} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>{t('publishMessage')}</span>
          <input
            autoFocus
            value={message}
            maxLength={500}
            data-testid="publish-message"
            onChange={(e) => setMessage(e.target.value)}
          />
        </label>
        {error && <div className="alert error">{error}</div>}
        <DialogActions
          cancelLabel={t('cancel')}
          onCancel={props.onClose}
          submitLabel={t('publish')}
          testId="publish-submit"
          disabled={busy}
        />
      </form>
    </Dialog>
  );
}
