// Users: the list with search (username or display name), department and roles; create, edit,
// disable/enable and reset a password through the dialogs of user-forms.tsx.
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  departmentLabel,
  listUsers,
  USER_LIST_LIMIT,
  updateUser,
  type AdminUser,
  type Department,
} from '../api/admin.api.js';
import { useI18n } from '../i18n/i18n.js';
import { refusalText } from './admin-form.js';
import { PasswordDialog, roleLabel, UserDialog } from './user-forms.js';
import { cellLabels } from '../pages/cell-labels.js';

/** Users whose username or display name contains the query (case-insensitive). */
export function searchUsers(users: AdminUser[], query: string): AdminUser[] {
  const q = query.trim().toLowerCase();
  if (!q) return users;
  return users.filter(
    (u) => u.username.toLowerCase().includes(q) || u.displayName.toLowerCase().includes(q),
  );
}

function attributesText(attributes: Record<string, unknown>): string {
  return Object.entries(attributes)
    .map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

export function UsersPage(props: {
  admin: boolean;
  departments: Department[] | null;
  /** The signed-in user, who cannot disable themselves (it would lock them out). */
  meId?: string;
}) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<AdminUser | 'new' | null>(null);
  const [resetting, setResetting] = useState<AdminUser | null>(null);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // The runtime sends at most USER_LIST_LIMIT users: past that, the search asks it (the list
  // filters at once what it has, the runtime's answer follows).
  const [searched, setSearched] = useState('');
  const reload = useCallback(() => {
    listUsers(searched).then(setUsers, (e: unknown) => setError(e));
  }, [searched]);
  useEffect(reload, [reload]);
  const capped = (users?.length ?? 0) >= USER_LIST_LIMIT;
  useEffect(() => {
    if (!capped && !searched) return;
    const timer = setTimeout(() => setSearched(query), 300);
    return () => clearTimeout(timer);
  }, [query, capped, searched]);
  const shown = useMemo(() => searchUsers(users ?? [], query), [users, query]);

  const toggle = (user: AdminUser) => {
    setError(null);
    updateUser(user.id, { disabled: !user.disabled }).then(reload, (e: unknown) => setError(e));
  };

  return (
    <section data-testid="admin-users">
      <div className="admin-head">
        <input
          type="search"
          className="form-control admin-search"
          placeholder={t('adminSearchUsers')}
          aria-label={t('adminSearchUsers')}
          data-testid="user-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <span className="muted admin-count">{t('adminUserCount', { count: shown.length })}</span>
        <button
          type="button"
          className="btn primary"
          data-testid="user-new"
          onClick={() => setEditing('new')}
        >
          + {t('adminNewUser')}
        </button>
      </div>
      {error !== null && <div className="alert error">{refusalText(error, i18n)}</div>}
      {notice && (
        <div className="alert ok" data-testid="admin-notice">
          {notice}
        </div>
      )}
      <div className="table-wrap">
        <table ref={cellLabels} className="data-table" data-testid="user-table">
          <thead>
            <tr>
              <th>{t('username')}</th>
              <th>{t('adminDisplayName')}</th>
              {props.departments && <th>{t('adminDepartment')}</th>}
              <th>{t('adminRoles')}</th>
              <th>{t('adminAttributes')}</th>
              <th>{t('adminStatus')}</th>
              <th className="actions" />
            </tr>
          </thead>
          <tbody>
            {shown.map((u) => (
              <tr
                key={u.id}
                data-testid={`user-row-${u.username}`}
                className={u.disabled ? 'disabled' : ''}
              >
                <td>
                  <code>{u.username}</code>
                </td>
                <td>{u.displayName}</td>
                {props.departments && (
                  <td>{departmentLabel(props.departments, u.departmentId, lang)}</td>
                )}
                <td>
                  {u.roles.map((r) => (
                    <span key={r} className="badge role-badge">
                      {r in roleLabel ? t(roleLabel[r]) : r}
                    </span>
                  ))}
                </td>
                <td className="muted">{attributesText(u.attributes)}</td>
                <td>
                  <span className={u.disabled ? 'badge bad' : 'badge ok'}>
                    {u.disabled ? t('adminDisabled') : t('adminActive')}
                  </span>
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn small"
                    data-testid={`user-edit-${u.username}`}
                    onClick={() => setEditing(u)}
                  >
                    {t('adminEdit')}
                  </button>
                  <button
                    type="button"
                    className="btn small"
                    data-testid={`user-password-${u.username}`}
                    onClick={() => setResetting(u)}
                  >
                    {t('adminResetPassword')}
                  </button>
                  {u.id !== props.meId && (
                    <button
                      type="button"
                      className={u.disabled ? 'btn small' : 'btn small danger'}
                      data-testid={`user-toggle-${u.username}`}
                      onClick={() => toggle(u)}
                    >
                      {u.disabled ? t('adminEnable') : t('adminDisable')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {users && shown.length === 0 && <p className="muted empty">{t('adminNoUsers')}</p>}
      </div>
      {editing && (
        <UserDialog
          user={editing === 'new' ? null : editing}
          admin={props.admin}
          departments={props.departments}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setNotice(null);
            reload();
          }}
        />
      )}
      {resetting && (
        <PasswordDialog
          user={resetting}
          onClose={() => setResetting(null)}
          onSaved={() => {
            setNotice(t('adminPasswordReset', { name: resetting.username }));
            setResetting(null);
          }}
        />
      )}
    </section>
  );
}
