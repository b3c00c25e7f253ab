// A pool's members and managers: the table with role and capacity, remove, and the add form (a user
// picker over the users not yet in the pool, role member or manager, optional capacity).
import type { RJSFSchema } from '@rjsf/utils';
import { useState } from 'react';
import {
  addPoolMember,
  removePoolMember,
  type AdminPool,
  type AdminUser,
} from '../api/admin.api.js';
import { useI18n } from '../i18n/i18n.js';
import { AdminForm, refusalText } from './admin-form.js';
import { cellLabels } from '../pages/cell-labels.js';

interface MemberForm {
  userId?: string;
  role?: 'member' | 'admin';
  capacity?: number;
}

export function PoolMembers(props: { pool: AdminPool; users: AdminUser[]; onChanged: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { pool, users } = props;
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [formKey, setFormKey] = useState(0);
  const byId = new Map(users.map((u) => [u.id, u]));
  // A refusal naming a user (no such user, not a member, disabled) by their display name.
  const names = { userName: (id: string) => byId.get(id)?.displayName ?? id };
  // Users not in the pool first (their department's before others), then the members: naming a
  // member again changes their role and capacity (the runtime upserts).
  const inPool = (u: AdminUser) => pool.members.some((m) => m.userId === u.id);
  const rank = (u: AdminUser) => (inPool(u) ? 2 : u.departmentId === pool.departmentId ? 0 : 1);
  const candidates = users.filter((u) => !u.disabled).sort((a, b) => rank(a) - rank(b));
  const schema: RJSFSchema = {
    type: 'object',
    required: ['userId', 'role'],
    properties: {
      userId: {
        type: 'string',
        title: t('adminUser'),
        oneOf: candidates.map((u) => ({
          const: u.id,
          title: `${u.displayName} (${u.username})${inPool(u) ? ` · ${t('adminInPool')}` : ''}`,
        })),
      },
      role: {
        type: 'string',
        title: t('adminPoolRole'),
        oneOf: [
          { const: 'member', title: t('adminPoolRole_member') },
          { const: 'admin', title: t('adminPoolRole_admin') },
        ],
      },
      capacity: {
        type: 'integer',
        title: t('adminCapacity'),
        minimum: 0,
        maximum: 2147483647,
      },
    },
  };
  const remove = (userId: string) => {
    setError(null);
    removePoolMember(pool.key, userId).then(props.onChanged, (e: unknown) => setError(e));
  };
  return (
    <div className="pool-members" data-testid="pool-members">
      <h3>{t('adminMembers')}</h3>
      {error !== null && <div className="alert error">{refusalText(error, i18n, names)}</div>}
      <div className="table-wrap">
        <table ref={cellLabels} className="data-table" data-testid="member-table">
          <thead>
            <tr>
              <th>{t('adminUser')}</th>
              <th>{t('adminPoolRole')}</th>
              <th className="num">{t('adminCapacity')}</th>
              <th className="actions" />
            </tr>
          </thead>
          <tbody>
            {pool.members.map((m) => {
              const user = byId.get(m.userId);
              return (
                <tr key={m.userId} data-testid={`member-row-${user?.username ?? m.userId}`}>
                  <td>
                    {user?.displayName ?? m.userId}{' '}
                    {user && <code className="muted">{user.username}</code>}
                  </td>
                  <td>
                    <span className={m.role === 'admin' ? 'badge ok' : 'badge'}>
                      {m.role === 'admin' ? t('adminPoolRole_admin') : t('adminPoolRole_member')}
                    </span>
                  </td>
                  <td className="num">{m.capacity ?? '—'}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn small danger"
                      data-testid={`member-remove-${user?.username ?? m.userId}`}
                      onClick={() => remove(m.userId)}
                    >
                      {t('adminRemove')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {pool.members.length === 0 && <p className="muted empty">{t('adminNoMembers')}</p>}
      </div>
      <h4>{t('adminAddMember')}</h4>
      {candidates.length === 0 ? (
        <p className="muted">{t('adminNoActiveUsers')}</p>
      ) : (
        <AdminForm<MemberForm>
          key={`${formKey}-${candidates.length}`}
          schema={schema}
          uiSchema={{
            'ui:classNames': 'inline-fields',
            capacity: { 'ui:placeholder': t('adminCapacityHint') },
          }}
          initial={{ role: 'member' }}
          testId="member-form"
          names={names}
          submitLabel={t('adminAdd')}
          onSubmit={async (form) => {
            await addPoolMember(pool.key, {
              userId: form.userId ?? '',
              role: form.role ?? 'member',
              ...(form.capacity !== undefined ? { capacity: form.capacity } : {}),
            });
            setFormKey((k) => k + 1);
            props.onChanged();
          }}
        />
      )}
    </div>
  );
}
