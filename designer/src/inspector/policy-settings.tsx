// Policy-wide settings, one section at a time: general, entity, events, delays, calendars, rules,
// claim rules and score; each section is an rjsf form generated from the policy schema.
import type { Policy } from '@poolflow/engine';
import { useMemo } from 'react';
import type { SettingsSection } from '../canvas/selection.js';
import { useI18n } from '../i18n/i18n.js';
import { RuleEditor } from '../rules/rule-editor.js';
import {
  calendarsForm,
  claimForm,
  delaysForm,
  entityForm,
  eventsForm,
  withoutEmptyLabel,
  generalForm,
  rulesForm,
  uniqueFieldChoices,
  type FormSpec,
} from './form-schemas.js';
import { SchemaForm } from './schema-form.js';

export const SECTIONS: SettingsSection[] = [
  'general',
  'entity',
  'events',
  'delays',
  'calendars',
  'rules',
  'claim',
  'score',
];

type Slice = { spec: FormSpec; value: unknown; apply: (value: unknown) => Policy };

function setKey<K extends keyof Policy>(policy: Policy, key: K, value: unknown): Policy {
  const next = { ...policy };
  if (value === undefined) delete next[key];
  else next[key] = value as Policy[K];
  return next;
}

function sliceOf(policy: Policy, section: Exclude<SettingsSection, 'score'>): Slice {
  switch (section) {
    case 'general':
      return {
        spec: generalForm(),
        value: { name: policy.name, description: policy.description },
        apply: (v) => {
          const { name, description } = v as Pick<Policy, 'name' | 'description'>;
          return setKey({ ...policy, name: name ?? policy.name }, 'description', description);
        },
      };
    case 'entity':
      return {
        spec: entityForm(
          Object.keys(policy.entity.schema.properties),
          uniqueFieldChoices(policy.entity),
        ),
        value: policy.entity,
        apply: (v) => ({ ...policy, entity: v as Policy['entity'] }),
      };
    case 'events':
      return {
        spec: eventsForm(),
        value: policy.events,
        apply: (v) =>
          setKey(
            policy,
            'events',
            v &&
              Object.fromEntries(
                Object.entries(v as NonNullable<Policy['events']>).map(([type, event]) => [
                  type,
                  withoutEmptyLabel(event),
                ]),
              ),
          ),
      };
    case 'delays':
      return {
        spec: delaysForm(),
        value: policy.delays,
        apply: (v) => setKey(policy, 'delays', v),
      };
    case 'calendars':
      return {
        spec: calendarsForm(),
        value: policy.calendars,
        apply: (v) => setKey(policy, 'calendars', v),
      };
    case 'rules':
      return { spec: rulesForm(), value: policy.rules, apply: (v) => setKey(policy, 'rules', v) };
    case 'claim':
      return { spec: claimForm(), value: policy.claim, apply: (v) => setKey(policy, 'claim', v) };
  }
}

export function PolicySettings(props: {
  policy: Policy;
  section: SettingsSection;
  onSection: (section: SettingsSection) => void;
  onChange: (policy: Policy, key?: string) => void;
}) {
  const { policy, section, onChange } = props;
  const { t } = useI18n();
  const slice = useMemo(
    () => (section === 'score' ? null : sliceOf(policy, section)),
    [policy, section],
  );
  return (
    <div className="policy-settings" data-testid="policy-settings">
      <h3>{t('settings')}</h3>
      <div className="pill-tabs" role="tablist">
        {SECTIONS.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={s === section}
            className={s === section ? 'pill active' : 'pill'}
            data-testid={`settings-tab-${s}`}
            onClick={() => props.onSection(s)}
          >
            {t(s)}
          </button>
        ))}
      </div>
      {section === 'general' && (
        <p className="muted">
          {t('policyId')}: <code>{policy.id}</code>
        </p>
      )}
      {slice ? (
        <SchemaForm
          key={section}
          spec={slice.spec}
          value={slice.value}
          policy={policy}
          testId={`settings-${section}`}
          onChange={(v) => onChange(slice.apply(v), `settings-${section}`)}
        />
      ) : (
        <RuleEditor
          value={policy.score}
          policy={policy}
          testId="settings-score"
          onChange={(v) => onChange(setKey(policy, 'score', v), 'settings-score')}
        />
      )}
    </div>
  );
}
