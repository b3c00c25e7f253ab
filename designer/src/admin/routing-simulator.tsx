// "Try a record": a form for the pool's entity (from the policy's schema, as the workspace's forms)
// and one line saying where that record would land, or which admission rule refuses it.
import Form from '@rjsf/core';
import type { UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useMemo, useState } from 'react';
import type { RoutingTestReply, RoutingTrigger, RoutingTry } from '../api/routing.api.js';
import { useI18n, type I18n } from '../i18n/i18n.js';
import { localizeForm } from '../workspace/field-labels.js';
import { refusalText } from './admin-form.js';
import { TRIGGERS } from './routing-model.js';

/** Tags typed in the simulator: comma separated, at most this many (a record's own are few). */
export const TRY_TAGS_MAX = 20;

/** The engine-kept fields the simulator lets one set: tags (e.g. hard), the default otherwise. */
export function tryInstance(tags: string): Record<string, unknown> | undefined {
  const list = tags
    .split(/[,，\s]+/)
    .map((tag) => tag.trim())
    .filter(Boolean)
    .slice(0, TRY_TAGS_MAX);
  return list.length > 0 ? { tags: list } : undefined;
}

/** The reply in words: "lands in 华东公海 by rule east" or "refused by rule non-target: …". */
export function routingOutcome(
  reply: RoutingTestReply,
  here: string,
  poolName: (key: string) => string,
  i18n: Pick<I18n, 't' | 'text'>,
): { text: string; refused: boolean } {
  if (reply.refused) {
    const { rule, message } = reply.refused;
    return { text: i18n.t('routingRefused', { rule, message: i18n.text(message) }), refused: true };
  }
  if (!reply.rule || !reply.pool || reply.pool === here) {
    return { text: i18n.t('routingStays', { pool: poolName(here) }), refused: false };
  }
  return {
    text: i18n.t('routingLands', { pool: poolName(reply.pool), rule: reply.rule }),
    refused: false,
  };
}

export function RoutingSimulator(props: {
  pool: string;
  entitySchema: Record<string, unknown>;
  poolName: (key: string) => string;
  run: (body: Omit<RoutingTry, 'routing'>) => Promise<RoutingTestReply>;
}) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const form = useMemo(() => localizeForm(props.entitySchema, lang), [props.entitySchema, lang]);
  const [data, setData] = useState<Record<string, unknown>>({});
  const [on, setOn] = useState<RoutingTrigger>('create');
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ text: string; refused: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = (record: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    const instance = tryInstance(tags);
    props.run({ data: record, on, ...(instance ? { instance } : {}) }).then(
      (reply) => {
        setBusy(false);
        setResult(routingOutcome(reply, props.pool, props.poolName, i18n));
      },
      (e: unknown) => {
        setBusy(false);
        setResult(null);
        setError(refusalText(e, i18n, { poolName: props.poolName }));
      },
    );
  };
  return (
    <div className="card routing-try" data-testid="routing-try">
      <h3>{t('routingTry')}</h3>
      <p className="muted">{t('routingTryHint')}</p>
      <div className="routing-try-as">
        <div className="segmented" role="group" aria-label={t('routingTryAs')}>
          {TRIGGERS.map((trigger) => (
            <button
              key={trigger}
              type="button"
              className={on === trigger ? 'active' : ''}
              data-testid={`routing-try-on-${trigger}`}
              onClick={() => setOn(trigger)}
            >
              {t(`routingTryOn_${trigger}`)}
            </button>
          ))}
        </div>
        <label className="routing-try-tags">
          {t('routingTryTags')}
          <input
            value={tags}
            maxLength={400}
            placeholder="hard"
            data-testid="routing-try-tags"
            onChange={(e) => setTags(e.target.value)}
          />
        </label>
      </div>
      <div className="schema-form">
        <Form
          schema={form.schema}
          uiSchema={form.uiSchema as UiSchema}
          formData={data}
          validator={validator}
          idPrefix="routing-try"
          showErrorList={false}
          noHtml5Validate
          onChange={(e) => setData((e.formData ?? {}) as Record<string, unknown>)}
          onSubmit={(e) => run((e.formData ?? {}) as Record<string, unknown>)}
          // Field errors show under the fields; nothing to log.
          onError={() => undefined}
        >
          <div className="dialog-actions">
            <button
              type="submit"
              className="btn primary"
              disabled={busy}
              data-testid="routing-try-run"
            >
              {t('routingTryRun')}
            </button>
          </div>
        </Form>
      </div>
      {result && (
        <p
          className={result.refused ? 'alert error' : 'alert ok'}
          data-testid="routing-try-result"
          role="status"
        >
          {result.text}
        </p>
      )}
      {error && (
        <div className="alert error" data-testid="routing-try-error">
          {error}
        </div>
      )}
    </div>
  );
}
