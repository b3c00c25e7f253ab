// A pool's routing at #/admin/pools/<key>/routing: admission rules and ordered routing rules edited
// with the policy's rule builder, saved in one PUT (a refusal shows next to the field it names), and
// the "try a record" simulator beside them, which tries the rules as they stand in the editor.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { AdminPool } from '../api/admin.api.js';
import { ApiError } from '../api/client.js';
import { detailZh, refusalWords } from '../api/refusal-words.js';
import { getPoolPolicy, type PoolPolicy } from '../api/pools.api.js';
import { getRouting, putRouting, testRouting, type RoutingTry } from '../api/routing.api.js';
import { useI18n } from '../i18n/i18n.js';
import { refusalText } from './admin-form.js';
import {
  ADMISSION_RULES_MAX,
  fieldErrors,
  newAdmission,
  newRule,
  NO_ERRORS,
  ROUTING_RULES_MAX,
  toDocument,
  toDraft,
  type FieldErrors,
  type RoutingDraft,
} from './routing-model.js';
import { AdmissionRows, RoutingRuleRows } from './routing-rows.js';
import { RoutingSimulator } from './routing-simulator.js';

/** Pools a rule may send records to: same department, same policy, not this pool. */
export function routingTargets(pool: AdminPool, pools: AdminPool[]): AdminPool[] {
  return pools.filter(
    (p) =>
      p.key !== pool.key &&
      p.policyId === pool.policyId &&
      (p.departmentId ?? null) === (pool.departmentId ?? null),
  );
}

/** One list of rules: its title and hint, the rows, a line when there are none, and Add. */
function RuleSection(props: {
  title: string;
  hint: string;
  empty: string | null;
  add: string;
  testId: string;
  /** At the list's bound: Add is off. */
  full: boolean;
  onAdd: () => void;
  children: ReactNode;
}) {
  return (
    <>
      <h3>{props.title}</h3>
      <p className="hint">{props.hint}</p>
      {props.children}
      {props.empty && <p className="muted empty">{props.empty}</p>}
      <button
        type="button"
        className="btn"
        disabled={props.full}
        data-testid={props.testId}
        onClick={props.onAdd}
      >
        + {props.add}
      </button>
    </>
  );
}

export function RoutingPage(props: { pool: AdminPool; pools: AdminPool[] }) {
  const i18n = useI18n();
  const { t, text } = i18n;
  const { pool } = props;
  const [policy, setPolicy] = useState<PoolPolicy | null>(null);
  const [draft, setDraft] = useState<RoutingDraft | null>(null);
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([getRouting(pool.key), getPoolPolicy(pool.key)]).then(
      ([routing, loaded]) => {
        setDraft(toDraft(routing));
        setPolicy(loaded);
      },
      (e: unknown) => setLoadError(refusalText(e, i18n)),
    );
    // Loaded once per pool: a refusal is worded in the language of that moment.
  }, [pool.key]);

  const targets = useMemo(() => routingTargets(pool, props.pools), [pool, props.pools]);
  const scope = useMemo(() => (policy ? { entity: policy.entity } : null), [policy]);
  if (loadError) return <div className="alert error">{loadError}</div>;
  if (!draft || !policy || !scope) return <p className="muted">…</p>;

  const poolName = (key: string) => {
    const found = props.pools.find((p) => p.key === key);
    return found ? text(found.name, key) : key;
  };
  const edit = (next: RoutingDraft) => {
    setDraft(next);
    setDirty(true);
    setSaved(false);
  };
  /**
   * A 400 goes next to the fields it names; anything else is one message. In Chinese each by its
   * code and params (pools by their names); in English the server's words.
   */
  const zh = i18n.lang === 'zh';
  const names = { poolName };
  const refused = (e: unknown) =>
    setErrors(
      e instanceof ApiError && e.status === 400
        ? fieldErrors(
            e.details,
            draft,
            refusalWords(e, i18n, names),
            zh ? (d) => detailZh(d, i18n, names) : undefined,
            t('routingTargetMissing'),
          )
        : { fields: {}, other: [refusalText(e, i18n, names)] },
    );
  const save = () => {
    setBusy(true);
    setErrors(NO_ERRORS);
    putRouting(pool.key, toDocument(draft)).then(
      (routing) => {
        setBusy(false);
        setDraft(toDraft(routing));
        setDirty(false);
        setSaved(true);
      },
      (e: unknown) => {
        setBusy(false);
        refused(e);
      },
    );
  };
  const tryRecord = async (body: Omit<RoutingTry, 'routing'>) => {
    try {
      return await testRouting(pool.key, { ...body, routing: toDocument(draft) });
    } catch (e) {
      // An invalid draft: the refusal shows on its rule as a save's would.
      if (e instanceof ApiError && e.status === 400) refused(e);
      throw e;
    }
  };

  return (
    <section className="routing-page" data-testid="routing-page">
      <div className="routing-editor">
        <p className="muted">{t('routingHint')}</p>
        <RuleSection
          title={t('routingAdmission')}
          hint={t('routingAdmissionHint')}
          empty={draft.admission.length === 0 ? t('routingNoAdmission') : null}
          add={t('routingAddAdmission')}
          testId="routing-add-admission"
          full={draft.admission.length >= ADMISSION_RULES_MAX}
          onAdd={() =>
            edit({
              ...draft,
              admission: [...draft.admission, newAdmission(draft.admission.length)],
            })
          }
        >
          <AdmissionRows
            rows={draft.admission}
            errors={errors}
            scope={scope}
            onChange={(admission) => edit({ ...draft, admission })}
          />
        </RuleSection>
        <RuleSection
          title={t('routingRules')}
          hint={t('routingRulesHint')}
          empty={draft.rules.length === 0 ? t('routingNoRules') : null}
          add={t('routingAddRule')}
          testId="routing-add-rule"
          full={draft.rules.length >= ROUTING_RULES_MAX}
          onAdd={() =>
            edit({
              ...draft,
              rules: [...draft.rules, newRule(draft.rules.length, targets[0]?.key ?? '')],
            })
          }
        >
          {targets.length === 0 && <p className="alert">{t('routingNoTargets')}</p>}
          <RoutingRuleRows
            rows={draft.rules}
            errors={errors}
            scope={scope}
            targets={targets}
            onChange={(rules) => edit({ ...draft, rules })}
          />
        </RuleSection>

        <div className="routing-save">
          {errors.other.length > 0 && (
            <div className="alert error" data-testid="routing-error">
              {t('routingSaveFailed', { message: errors.other.join('; ') })}
            </div>
          )}
          {saved && (
            <div className="alert ok" data-testid="routing-saved">
              {t('adminSaved')}
            </div>
          )}
          {dirty && <span className="muted">{t('routingUnsaved')}</span>}
          <button
            type="button"
            className="btn primary"
            disabled={busy}
            data-testid="routing-save"
            onClick={save}
          >
            {t('adminSave')}
          </button>
        </div>
      </div>
      <RoutingSimulator
        pool={pool.key}
        entitySchema={policy.entity.schema}
        poolName={poolName}
        run={tryRecord}
      />
    </section>
  );
}
