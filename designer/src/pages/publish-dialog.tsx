// Publishes the draft as a new immutable version, with a message.
import type { Policy, Problem } from '@poolflow/engine';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import type { ScenarioFailure } from '../api/policies.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import { problemText } from '../inspector/problem-text.js';
import { Dialog, DialogActions } from './dialog.js';
import { PublishedStep } from './published-step.js';
import { ScenarioRefusal } from './scenario-refusal.js';

export function PublishDialog(props: {
  policyId: string;
  /** The draft being published: its saved scenarios are what the publish gate runs. */
  policy: Policy;
  /** The draft's validation warnings: said before publishing, which they do not stop. */
  warnings?: Problem[];
  /** Publishes and answers the new version; `force` publishes past failing saved scenarios. */
  onPublish: (message: string, force: boolean) => Promise<number>;
  /** Opens a failing saved scenario in the simulator, at its failing step. */
  onOpenScenario: (failure: ScenarioFailure) => void;
  /** "Roll out vN to pools…" once published. */
  onRollout: (version: number) => void;
  onClose: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [published, setPublished] = useState<number | null>(null);
  // Saved scenarios that failed: the dialog then offers "Publish anyway", which needs a message.
  const [refusal, setRefusal] = useState<ScenarioFailure[] | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setPublished(await props.onPublish(message, refusal !== null));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'POOL_ERR_SCENARIO_FAILED') {
        setRefusal(err.details as ScenarioFailure[]);
        // Forcing needs its own reason, written on purpose: not the change note typed before.
        setMessage('');
      } else setError(err);
      setBusy(false);
    }
  };
  if (published !== null) {
    return (
      <Dialog title={t('publishTitle')} onClose={props.onClose}>
        <PublishedStep
          policyId={props.policyId}
          version={published}
          onRollout={() => props.onRollout(published)}
          onClose={props.onClose}
        />
      </Dialog>
    );
  }
  const forcing = refusal !== null;
  const warnings = props.warnings ?? [];
  return (
    <Dialog title={t('publishTitle')} onClose={props.onClose} wide={forcing}>
      <form onSubmit={(e) => void submit(e)}>
        {refusal && (
          <ScenarioRefusal policy={props.policy} failures={refusal} onOpen={props.onOpenScenario} />
        )}
        {warnings.length > 0 && (
          <div className="alert warn publish-warnings" data-testid="publish-warnings">
            <p>{t('publishWarnings')}</p>
            <ul>
              {warnings.map((w, i) => (
                <li key={`${w.path}-${w.code}-${i}`} data-code={w.code}>
                  {problemText(w, props.policy, i18n.lang)}
                </li>
              ))}
            </ul>
          </div>
        )}
        <label className="field">
          <span>{forcing ? t('gateForceMessage') : t('publishMessage')}</span>
          <input
            autoFocus
            value={message}
            maxLength={500}
            required={forcing}
            data-testid="publish-message"
            onChange={(e) => setMessage(e.target.value)}
          />
        </label>
        {error !== null && <div className="alert error">{refusalWords(error, i18n)}</div>}
        <DialogActions
          cancelLabel={t('cancel')}
          onCancel={props.onClose}
          submitLabel={forcing ? t('gatePublishAnyway') : t('publish')}
          testId={forcing ? 'publish-anyway' : 'publish-submit'}
          disabled={busy || (forcing && message.trim() === '')}
        />
      </form>
    </Dialog>
  );
}
