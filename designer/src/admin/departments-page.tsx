// Departments (global admins only): the list with each department's users, and a form to create one.
import type { RJSFSchema } from '@rjsf/utils';
import { useState } from 'react';
import {
  createDepartment,
  departmentName,
  type AdminUser,
  type Department,
} from '../api/admin.api.js';
import { useI18n } from '../i18n/i18n.js';
import { AdminForm } from './admin-form.js';
import { cellLabels } from '../pages/cell-labels.js';

export function DepartmentsPage(props: {
  departments: Department[];
  users: AdminUser[];
  onChanged: () => void;
}) {
  const { t, lang } = useI18n();
  // A new form after each creation, so the fields start empty again.
  const [formKey, setFormKey] = useState(0);
  const schema: RJSFSchema = {
    type: 'object',
    required: ['key', 'nameEn'],
    properties: {
      key: {
        type: 'string',
        title: t('adminDepartmentKey'),
        description: t('policyIdHint'),
        pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
      },
      nameEn: { type: 'string', title: t('nameEn'), minLength: 1, maxLength: 200 },
      nameZh: { type: 'string', title: t('nameZh'), maxLength: 200 },
    },
  };
  const admins = (id: string) =>
    props.users
      .filter((u) => u.departmentId === id && u.roles.includes('departmentAdmin'))
      .map((u) => u.displayName)
      .join(', ');
  return (
    <section data-testid="admin-departments" className="admin-split">
      <div className="table-wrap">
        <table ref={cellLabels} className="data-table" data-testid="department-table">
          <thead>
            <tr>
              <th>{t('adminDepartmentKey')}</th>
              <th>{t('adminDepartmentName')}</th>
              <th>{t('adminDepartmentAdmins')}</th>
              <th className="num">{t('adminUsers')}</th>
              <th className="num">{t('adminPools')}</th>
            </tr>
          </thead>
          <tbody>
            {props.departments.map((d) => (
              <tr key={d.key} data-testid={`department-row-${d.key}`}>
                <td>
                  <code>{d.key}</code>
                </td>
                <td>{departmentName(d, lang)}</td>
                <td>{admins(d.key) || <span className="muted">—</span>}</td>
                <td className="num">
                  {d.userCount ?? props.users.filter((u) => u.departmentId === d.key).length}
                </td>
                <td className="num">{d.poolCount ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {props.departments.length === 0 && <p className="muted empty">{t('adminNoDepartments')}</p>}
      </div>
      <div className="card admin-side">
        <h3>{t('adminNewDepartment')}</h3>
        <AdminForm<{ key?: string; nameEn?: string; nameZh?: string }>
          key={formKey}
          schema={schema}
          initial={{}}
          testId="department-form"
          submitLabel={t('create')}
          onSubmit={async (form) => {
            await createDepartment({
              key: form.key ?? '',
              name: { en: form.nameEn ?? '', ...(form.nameZh ? { zh: form.nameZh } : {}) },
            });
            setFormKey((k) => k + 1);
            props.onChanged();
          }}
        />
      </div>
    </section>
  );
}
