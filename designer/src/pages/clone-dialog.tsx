// Clones a template into a new policy: a new id and name, the template's scenarios kept with it.
import type { Policy } from '@poolflow/engine';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { createPolicy } from '../api/policies.api.js';
import { refusalWords } from '../api/refusal-words.js';
import type { Template } from '../api/templates.api.js';
import { autoLayout } from '../canvas/auto-layout.js';
import { setLayout } from '../canvas/policy-graph.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog, DialogActions } from './dialog.js';

export function freeId(base: string, taken: string[]): string {
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base}-${i}`)) return `${base}-${i}`;
}

/** The runtime refused the new policy because its id is taken (`/body/document/id`). */
function idTaken(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.code === 'POOL_ERR_INVALID_PAYLOAD' &&
    Array.isArray(error.details) &&
    error.details.some((d: { path?: unknown; message?: unknown }) => {
      return d.path === '/body/document/id' && /exists$/.test(String(d.message));
    })
  );
}

export function CloneDialog(props: {
  template: Template;
  taken: string[];
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const { template } = props;
  const i18n = useI18n();
  const { t, text } = i18n;
  const [id, setId] = useState(() => freeId(`my-${template.id}`.slice(0, 60), props.taken));
  const [nameEn, setNameEn] = useState(`${template.document.name.en} (copy)`);
  const [nameZh, setNameZh] = useState(
    template.document.name.zh ? `${template.document.name.zh}（副本）` : '',
  );
  // The refusal as it came, and the id it refused: worded at render, in the language shown now.
  const [error, setError] = useState<{ refused: unknown; id: string } | null>(null);
  const idOk = /^[a-z][a-z0-9-]{1,62}$/.test(id);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = nameZh ? { en: nameEn, zh: nameZh } : { en: nameEn };
    const document = { ...structuredClone(template.document), id, version: 1, name };
    if (template.scenarios.length > 0) {
      document.scenarios = structuredClone(template.scenarios) as unknown as NonNullable<
        Policy['scenarios']
      >;
    }
    try {
      // A new policy starts laid out by ELK, so its edges follow ELK's routes and labels.
      await createPolicy(setLayout(document, await autoLayout(document)));
      props.onCreated(id);
    } catch (err) {
      setError({ refused: err, id });
    }
  };

  return (
    <Dialog title={t('cloneTitle', { name: text(template.document.name) })} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)} data-testid="clone-form">
        <label className="field">
          <span>{t('policyId')}</span>
          <input data-testid="clone-id" value={id} onChange={(e) => setId(e.target.value)} />
          <small className={idOk ? 'muted' : 'error-text'}>{t('policyIdHint')}</small>
        </label>
        <label className="field">
          <span>{t('nameEn')}</span>
          <input
            data-testid="clone-name-en"
            value={nameEn}
            onChange={(e) => setNameEn(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('nameZh')}</span>
          <input
            data-testid="clone-name-zh"
            value={nameZh}
            onChange={(e) => setNameZh(e.target.value)}
          />
        </label>
        {error && (
          <div className="alert error">
            {/* The server's "/body/document/id policy x exists" in words, in the UI's language. */}
            {idTaken(error.refused)
              ? t('policyIdTaken', { id: error.id })
              : refusalWords(error.refused, i18n)}
          </div>
        )}
        <DialogActions
          cancelLabel={t('cancel')}
          onCancel={props.onClose}
          submitLabel={t('create')}
          testId="clone-submit"
          disabled={!idOk || !/\S/.test(nameEn)}
        />
      </form>
    </Dialog>
  );
}
