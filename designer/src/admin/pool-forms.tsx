// The pool dialogs: create from a published policy (policy, version, key, names, distribution, time
// zone, department) and edit its settings; schemas mirror the runtime's poolCreate and pool patch.
import type { RJSFSchema } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import {
  createPool,
  departmentName,
  updatePool,
  type AdminPool,
  type Department,
} from '../api/admin.api.js';
import { listPolicies, type PolicySummary } from '../api/policies.api.js';
import type { Distribution, Localized } from '../api/pools.api.js';
import { useI18n, type I18n } from '../i18n/i18n.js';
import { Dialog } from '../pages/dialog.js';
import { AdminForm } from './admin-form.js';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
// The zones offered first; the runtime accepts any IANA name, and a pool's own zone is always listed.
const TIME_ZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'UTC',
];

function timeZones(current?: string): string[] {
  return current && !TIME_ZONES.includes(current) ? [current, ...TIME_ZONES] : TIME_ZONES;
}

function settingsProperties(t: I18n['t'], zone?: string): Record<string, RJSFSchema> {
  return {
    nameEn: { type: 'string', title: t('nameEn'), minLength: 1, maxLength: 200 },
    nameZh: { type: 'string', title: t('nameZh'), maxLength: 200 },
    distribution: {
      type: 'string',
      title: t('adminDistribution'),
      oneOf: (['manual', 'roundRobin', 'leastLoaded'] as const).map((d) => ({
        const: d,
        title: t(`adminDistribution_${d}`),
      })),
    },
    timeZone: { type: 'string', title: t('adminTimeZone'), enum: timeZones(zone) },
  };
}

interface PoolForm {
  policyId?: string;
  policyVersion?: number;
  key?: string;
  nameEn?: string;
  nameZh?: string;
  distribution?: Distribution;
  timeZone?: string;
  departmentId?: string;
}

const nameOf = (form: PoolForm): Localized => ({
  en: form.nameEn ?? '',
  ...(form.nameZh ? { zh: form.nameZh } : {}),
});

export function CreatePoolDialog(props: {
  departments: Department[] | null;
  onClose: () => void;
  onCreated: (key: string) => void;
}) {
  const { t, text, lang } = useI18n();
  const [policies, setPolicies] = useState<PolicySummary[] | null>(null);
  const [policyId, setPolicyId] = useState<string | undefined>(undefined);
  useEffect(() => {
    listPolicies().then(
      (all) => setPolicies(all.filter((p) => p.latestVersion > 0)),
      () => setPolicies([]),
    );
  }, []);
  if (!policies) return null;
  const first = policies[0];
  const chosen = policies.find((p) => p.id === (policyId ?? first?.id));
  const versions = chosen
    ? Array.from({ length: chosen.latestVersion }, (_, i) => chosen.latestVersion - i)
    : [];
  const schema: RJSFSchema = {
    type: 'object',
    required: ['policyId', 'policyVersion', 'key', 'nameEn', 'distribution', 'timeZone'],
    properties: {
      policyId: {
        type: 'string',
        title: t('adminPolicy'),
        oneOf: policies.map((p) => ({ const: p.id, title: `${text(p.name, p.id)} (${p.id})` })),
      },
      policyVersion: {
        type: 'integer',
        title: t('adminPolicyVersion'),
        oneOf: versions.map((v) => ({ const: v, title: `v${v}` })),
      },
      key: {
        type: 'string',
        title: t('adminPoolKey'),
        description: t('policyIdHint'),
        pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
      },
      ...settingsProperties(t),
      ...(props.departments
        ? {
            departmentId: {
              type: 'string',
              title: t('adminDepartment'),
              oneOf: [
                { const: '', title: t('adminNoDepartment') },
                ...props.departments.map((d) => ({ const: d.key, title: departmentName(d, lang) })),
              ],
            },
          }
        : {}),
    },
  };
  return (
    <Dialog title={t('adminNewPool')} onClose={props.onClose}>
      {policies.length === 0 ? (
        <p className="muted" data-testid="pool-no-policies">
          {t('adminNoPublishedPolicies')}
        </p>
      ) : (
        <AdminForm<PoolForm>
          schema={schema}
          initial={{
            ...(first ? { policyId: first.id, policyVersion: first.latestVersion } : {}),
            distribution: 'manual',
            timeZone: DEFAULT_TIME_ZONE,
            ...(props.departments ? { departmentId: '' } : {}),
          }}
          testId="pool-form"
          submitLabel={t('create')}
          onChange={(form) => setPolicyId(form.policyId)}
          // Another policy: its latest version (the one chosen before may be one it has not).
          adjust={(next, previous) => {
            const latest = policies.find((p) => p.id === next.policyId)?.latestVersion;
            return next.policyId === previous.policyId || latest === undefined
              ? next
              : { ...next, policyVersion: latest };
          }}
          onSubmit={async (form) => {
            const policy = policies.find((p) => p.id === form.policyId);
            const version =
              form.policyVersion && form.policyVersion <= (policy?.latestVersion ?? 0)
                ? form.policyVersion
                : (policy?.latestVersion ?? 1);
            const created = await createPool({
              key: form.key ?? '',
              name: nameOf(form),
              policyId: form.policyId ?? '',
              policyVersion: version,
              distribution: form.distribution ?? 'manual',
              timeZone: form.timeZone ?? DEFAULT_TIME_ZONE,
              members: [],
              ...(form.departmentId ? { departmentId: form.departmentId } : {}),
            });
            props.onCreated(created.key);
          }}
          onCancel={props.onClose}
        />
      )}
    </Dialog>
  );
}

/** Name, distribution and time zone of an existing pool. */
export function PoolSettingsForm(props: { pool: AdminPool; onSaved: (pool: AdminPool) => void }) {
  const { t } = useI18n();
  const { pool } = props;
  const schema: RJSFSchema = {
    type: 'object',
    required: ['nameEn', 'distribution', 'timeZone'],
    properties: settingsProperties(t, pool.timeZone),
  };
  return (
    <AdminForm<PoolForm>
      key={pool.key}
      schema={schema}
      initial={{
        nameEn: pool.name.en,
        ...(pool.name.zh ? { nameZh: pool.name.zh } : {}),
        distribution: pool.distribution,
        timeZone: pool.timeZone ?? DEFAULT_TIME_ZONE,
      }}
      testId="pool-settings"
      submitLabel={t('adminSave')}
      onSubmit={async (form) => {
        const saved = await updatePool(pool.key, {
          name: nameOf(form),
          distribution: form.distribution ?? pool.distribution,
          timeZone: form.timeZone ?? DEFAULT_TIME_ZONE,
        });
        props.onSaved(saved);
      }}
    />
  );
}
