// The user dialogs: create, edit (display name, roles, department, attributes) and password reset,
// each an rjsf form generated from a JSON Schema that mirrors the runtime's userCreate/userPatch.
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import {
  createUser,
  departmentName,
  updateUser,
  type AdminUser,
  type Department,
  ROLES,
  type Role,
} from '../api/admin.api.js';
import { useI18n, type I18n } from '../i18n/i18n.js';
import type { Lang, MessageKey } from '../i18n/messages.js';
import { Dialog } from '../pages/dialog.js';
import { AdminForm } from './admin-form.js';
import { scalarAttributes } from './attributes-editor.js';

export const roleLabel: Record<Role, MessageKey> = {
  admin: 'adminRoleAdmin',
  departmentAdmin: 'adminRoleDepartmentAdmin',
  manager: 'adminRoleManager',
  member: 'adminRoleMember',
};

const PASSWORD_MIN = 12;

interface UserForm {
  username?: string;
  password?: string;
  displayName?: string;
  roles?: string[];
  departmentId?: string;
  attributes?: Record<string, unknown>;
}

/** Which roles the signed-in admin may give: a department admin cannot make global admins. */
export function grantableRoles(admin: boolean): Role[] {
  return admin
    ? ['admin', 'departmentAdmin', 'manager', 'member']
    : ['departmentAdmin', 'manager', 'member'];
}

export function userSchema(
  t: I18n['t'],
  opts: { create: boolean; roles: Role[]; departments: Department[] | null; lang: Lang },
): RJSFSchema {
  const properties: Record<string, RJSFSchema> = {};
  if (opts.create) {
    properties['username'] = {
      type: 'string',
      title: t('username'),
      pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$',
    };
    properties['password'] = {
      type: 'string',
      title: t('adminPasswordMin', { min: PASSWORD_MIN }),
      minLength: PASSWORD_MIN,
      maxLength: 200,
    };
  }
  properties['displayName'] = {
    type: 'string',
    title: t('adminDisplayName'),
    minLength: 1,
    maxLength: 100,
  };
  properties['roles'] = {
    type: 'array',
    title: t('adminRoles'),
    minItems: 1,
    uniqueItems: true,
    items: { type: 'string', oneOf: opts.roles.map((r) => ({ const: r, title: t(roleLabel[r]) })) },
  };
  // Department admins get their own department from the runtime: they choose none.
  if (opts.departments) {
    properties['departmentId'] = {
      type: 'string',
      title: t('adminDepartment'),
      oneOf: [
        { const: '', title: t('adminNoDepartment') },
        ...opts.departments.map((d) => ({ const: d.key, title: departmentName(d, opts.lang) })),
      ],
    };
  }
  properties['attributes'] = { type: 'object', title: t('adminAttributes') };
  return {
    type: 'object',
    required: opts.create ? ['username', 'password', 'displayName', 'roles'] : ['roles'],
    properties,
  };
}

const uiSchema: UiSchema = {
  password: { 'ui:widget': 'password' },
  roles: { 'ui:widget': 'checkboxes', 'ui:options': { inline: true } },
  attributes: { 'ui:field': 'attributes' },
};

export function UserDialog(props: {
  user: AdminUser | null;
  admin: boolean;
  departments: Department[] | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, lang } = useI18n();
  const { user } = props;
  const schema = userSchema(t, {
    create: !user,
    roles: grantableRoles(props.admin),
    departments: props.departments,
    lang,
  });
  const initial: UserForm = user
    ? {
        displayName: user.displayName,
        roles: user.roles,
        attributes: user.attributes,
        ...(props.departments ? { departmentId: user.departmentId ?? '' } : {}),
      }
    : { roles: ['member'], attributes: {}, ...(props.departments ? { departmentId: '' } : {}) };
  const save = async (form: UserForm) => {
    // Roles in one order whatever order they were ticked in.
    const roles = form.roles && ROLES.filter((r) => form.roles?.includes(r));
    const department =
      form.departmentId === undefined ? {} : { departmentId: form.departmentId || null };
    if (user) {
      await updateUser(user.id, {
        displayName: form.displayName ?? user.displayName,
        roles: roles ?? user.roles,
        attributes: scalarAttributes(form.attributes ?? {}),
        ...department,
      });
    } else {
      await createUser({
        username: form.username ?? '',
        password: form.password ?? '',
        displayName: form.displayName ?? '',
        roles: roles ?? ['member'],
        attributes: scalarAttributes(form.attributes ?? {}),
        ...(form.departmentId ? { departmentId: form.departmentId } : {}),
      });
    }
    props.onSaved();
  };
  return (
    <Dialog
      title={user ? t('adminEditUser', { name: user.username }) : t('adminNewUser')}
      onClose={props.onClose}
    >
      <AdminForm<UserForm>
        schema={schema}
        uiSchema={uiSchema}
        initial={initial}
        testId="user-form"
        submitLabel={user ? t('adminSave') : t('create')}
        onSubmit={save}
        onCancel={props.onClose}
      />
    </Dialog>
  );
}

export function PasswordDialog(props: {
  user: AdminUser;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const schema: RJSFSchema = {
    type: 'object',
    required: ['password'],
    properties: {
      password: {
        type: 'string',
        title: t('adminPasswordMin', { min: PASSWORD_MIN }),
        minLength: PASSWORD_MIN,
        maxLength: 200,
      },
    },
  };
  return (
    <Dialog
      title={t('adminResetPasswordOf', { name: props.user.username })}
      onClose={props.onClose}
    >
      <p className="muted">{t('adminResetPasswordHint')}</p>
      <AdminForm<{ password?: string }>
        schema={schema}
        uiSchema={{ password: { 'ui:widget': 'password' } }}
        initial={{}}
        testId="password-form"
        submitLabel={t('adminResetPassword')}
        onSubmit={async (form) => {
          await updateUser(props.user.id, { password: form.password ?? '' });
          props.onSaved();
        }}
        onCancel={props.onClose}
      />
    </Dialog>
  );
}
