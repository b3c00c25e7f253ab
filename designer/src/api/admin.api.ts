// Administration: users, departments, and pools with their members (admins and department admins).
import { allPages, api } from './client.js';
import type {
  Department,
  DepartmentCreate,
  DepartmentList,
  Pool,
  PoolCreate,
  PoolList,
  PoolMemberBody,
  PoolPatch,
  User,
  UserCreate,
  UserList,
  UserPatch,
} from './api.types.js';

export type Role = 'admin' | 'departmentAdmin' | 'manager' | 'member';
export const ROLES: Role[] = ['admin', 'departmentAdmin', 'manager', 'member'];

// Types generated from schemas/ (api.types.ts).
export type { Department, PoolCreate, PoolPatch, UserCreate, UserPatch };
export type AdminUser = User;
/** A pool as the admin list shows it: with its counts and settings (the same reply as the workspace's). */
export type AdminPool = Pool;
export type MemberAdd = PoolMemberBody;

export function departmentName(d: Department, lang: 'en' | 'zh'): string {
  return (lang === 'zh' && d.name.zh) || d.name.en;
}

const pool = (key: string) => `/api/pools/${encodeURIComponent(key)}`;

/** The runtime lists at most this many users per request (api.schema.json#/definitions/userQuery). */
export const USER_LIST_LIMIT = 1000;

/** Users by username; `q` is a part of the username or display name, searched by the runtime. */
export async function listUsers(q?: string): Promise<AdminUser[]> {
  const query = q?.trim() ? `?q=${encodeURIComponent(q.trim().slice(0, 100))}` : '';
  return (await api<UserList>('GET', `/api/users${query}`)).items;
}

export function createUser(body: UserCreate): Promise<AdminUser> {
  return api('POST', '/api/users', body);
}

export function updateUser(id: string, patch: UserPatch): Promise<AdminUser> {
  return api('PATCH', `/api/users/${encodeURIComponent(id)}`, patch);
}

export function listDepartments(): Promise<Department[]> {
  return allPages<DepartmentList['items'][number]>('/api/departments');
}

export function createDepartment(body: DepartmentCreate): Promise<Department> {
  return api('POST', '/api/departments', body);
}

export function listAdminPools(): Promise<AdminPool[]> {
  return allPages<PoolList['items'][number]>('/api/pools');
}

export function createPool(body: PoolCreate): Promise<AdminPool> {
  return api('POST', '/api/pools', body);
}

export function updatePool(key: string, patch: PoolPatch): Promise<AdminPool> {
  return api('PATCH', pool(key), patch);
}

export function addPoolMember(key: string, member: MemberAdd): Promise<AdminPool> {
  return api('POST', `${pool(key)}/members`, member);
}

export function removePoolMember(key: string, userId: string): Promise<unknown> {
  return api('DELETE', `${pool(key)}/members/${encodeURIComponent(userId)}`);
}

/** The name of the department with this key among those listed; '—' for none. */
export function departmentLabel(
  departments: Department[] | null,
  key: string | null | undefined,
  lang: 'en' | 'zh',
): string {
  if (!key) return '—';
  const found = departments?.find((d) => d.key === key);
  return found ? departmentName(found, lang) : key;
}
