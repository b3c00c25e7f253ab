// The administration area's sections and their tabs. A section is one entry here and one page in
// admin-page.tsx (the webhook deliveries page slots in the same way).
import type { User } from '../api/auth.api.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';

export interface AdminSection {
  id: string;
  label: MessageKey;
  /** Global admins only: department admins do not see it. */
  adminOnly?: boolean;
}

export const ADMIN_SECTIONS: AdminSection[] = [
  { id: 'users', label: 'adminUsers' },
  { id: 'departments', label: 'adminDepartments', adminOnly: true },
  { id: 'pools', label: 'adminPools' },
  { id: 'deliveries', label: 'adminDeliveries', adminOnly: true },
  { id: 'activity', label: 'adminActivity', adminOnly: true },
  { id: 'backup', label: 'adminBackup', adminOnly: true },
];

/** Admins and department admins reach the administration pages. */
export function mayAdminister(user: User): boolean {
  return user.roles.includes('admin') || user.roles.includes('departmentAdmin');
}

export function sectionsFor(user: User): AdminSection[] {
  const admin = user.roles.includes('admin');
  return ADMIN_SECTIONS.filter((s) => admin || !s.adminOnly);
}

export function AdminNav(props: { user: User; section: string }) {
  const { t } = useI18n();
  return (
    <nav className="pill-tabs admin-nav" data-testid="admin-nav">
      {sectionsFor(props.user).map((s) => (
        <a
          key={s.id}
          href={`#/admin/${s.id}`}
          className={s.id === props.section ? 'pill active' : 'pill'}
          data-testid={`admin-tab-${s.id}`}
        >
          {t(s.label)}
        </a>
      ))}
    </nav>
  );
}
