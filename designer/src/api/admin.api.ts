// Administration: users, departments, and pools with their members (admins and department admins).
import { api } from './client.js';
import type { Distribution, Localized, Pool } from './pools.api.js';

export type Role = 'admin' | 'departmentAdmin' | 'manager' | 'member';
export const ROLES: Role[] = ['admin', 'departmentAdmin', 'manager', 'member'];

export interface AdminUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  attributes: Record<string, unknown>;
  disabled: boolean;
  departmentId?: string | null;
}

export interface UserCreate {
  username: string;
  password: string;
  displayName: string;
  roles: string[];
  attributes: Record<string, unknown>;
  departmentId?: string;
}

export interface UserPatch {
  displayName?: string;
  roles?: string[];
  attributes?: Record<string, unknown>;
  departmentId?: string | null;
  disabled?: boolean;
  password?: string;
}

/** A department; users, policies and pools name it by key (their departmentId). */
export interface Department {
  key: string;
  name: Localized;
  userCount?: number;
  poolCount?: number;
}

export function departmentName(d: Department, lang: 'en' | 'zh'): string {
  return (lang === 'zh' && d.name.zh) || d.name.en;
}

/** A pool as the admin list shows it: the workspace's pool plus its counts and settings. */
export interface AdminPool extends Pool {
  departmentId?: string | null;
  timeZone?: string;
  memberCount?: number;
  recordCount?: number;
}

export interface PoolCreate {
  key: string;
  name: Localized;
  policyId: string;
  policyVersion: number;
  distribution: Distribution;
  timeZone: string;
  members: { userId: string; role?: 'member' | 'admin'; capacity?: number }[];
  departmentId?: string;
}

export interface PoolPatch {
  name?: Localized;
  distribution?: Distribution;
  timeZone?: string;
  policyVersion?: number;
}

export interface MemberAdd {
  userId: string;
  role: 'member' | 'admin';
  capacity?: number;
}

const pool = (key: string) => `/api/pools/${encodeURIComponent(key)}`;

/** The runtime lists at most this many users per request (api.schema.json#/definitions/userQuery). */
export const USER_LIST_LIMIT = 1000;

/** Users by username; `q` is a part of the username or display name, searched by the runtime. */
export async function listUsers(q?: string): Promise<AdminUser[]> {
  const query = q?.trim() ? `?q=${encodeURIComponent(q.trim().slice(0, 100))}` : '';
  return (await api<{ items: AdminUser[] }>('GET', `/api/users${query}`)).items;
}

export function createUser(body: UserCreate): Promise<AdminUser> {
  return api('POST', '/api/users', body);
}

export function updateUser(id: string, patch: UserPatch): Promise<AdminUser> {
  return api('PATCH', `/api/users/${encodeURIComponent(id)}`, patch);
}

export async function listDepartments(): Promise<Department[]> {
  return (await api<{ items: Department[] }>('GET', '/api/departments')).items;
}

export function createDepartment(body: { key: string; name: Localized }): Promise<Department> {
  return api('POST', '/api/departments', body);
}

export async function listAdminPools(): Promise<AdminPool[]> {
  return (await api<{ items: AdminPool[] }>('GET', '/api/pools')).items;
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
