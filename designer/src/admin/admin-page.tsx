// The administration area (#/admin/<section>): users, departments, pools, webhook deliveries, the activity log and backups for admins; a department
// admin gets users and pools of their own department (the runtime filters what it sends).
import { useCallback, useEffect, useState } from 'react';
import { listDepartments, listUsers, type AdminUser, type Department } from '../api/admin.api.js';
import type { User } from '../api/auth.api.js';
import { useI18n } from '../i18n/i18n.js';
import type { AdminPoolTab } from '../pages/use-hash-route.js';
import { ActivityPage } from './activity-page.js';
import { AdminNav, sectionsFor } from './admin-nav.js';
import { BackupPage } from './backup-page.js';
import { DeliveriesPage } from './deliveries-page.js';
import { DepartmentsPage } from './departments-page.js';
import { PoolsPage } from './pools-page.js';
import { UsersPage } from './users-page.js';

export function AdminPage(props: {
  me: User;
  section: string;
  pool?: string | undefined;
  tab?: AdminPoolTab | undefined;
}) {
  const { t } = useI18n();
  const admin = props.me.roles.includes('admin');
  const sections = sectionsFor(props.me);
  const section = sections.some((s) => s.id === props.section) ? props.section : 'users';
  // Departments are known to global admins only; null hides the department columns and fields.
  const [departments, setDepartments] = useState<Department[] | null>(null);
  const [users, setUsers] = useState<AdminUser[]>([]);
  const reload = useCallback(() => {
    if (admin) listDepartments().then(setDepartments, () => setDepartments(null));
    listUsers().then(setUsers, () => setUsers([]));
  }, [admin]);
  useEffect(reload, [reload, section]);

  return (
    <main className="page admin-page" data-testid="admin-page">
      <div className="admin-title">
        <h1>{t('admin')}</h1>
        <AdminNav user={props.me} section={section} />
      </div>
      {section === 'users' && (
        <UsersPage admin={admin} departments={departments} meId={props.me.id} />
      )}
      {section === 'departments' && departments && (
        <DepartmentsPage departments={departments} users={users} onChanged={reload} />
      )}
      {section === 'pools' && (
        <PoolsPage pool={props.pool} tab={props.tab} users={users} departments={departments} />
      )}
      {section === 'deliveries' && <DeliveriesPage />}
      {section === 'activity' && <ActivityPage users={users} />}
      {section === 'backup' && <BackupPage />}
    </main>
  );
}
