// Who may see, act on, mask and manage what: the one place routes, views and services ask.
import type { CompiledPolicy, PoolEvent } from '@poolflow/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Knex } from 'knex';
import { RuntimeError } from './runtime.error.js';
import type { Actor } from './services/record.service.js';

export type PoolLevel = 'member' | 'manager';

/** Admins hold every role. */
export function hasRole(actor: Actor, ...roles: string[]): boolean {
  return actor.roles.includes('admin') || roles.some((r) => actor.roles.includes(r));
}

export function requireRole(request: FastifyRequest, ...roles: string[]): void {
  if (!hasRole(request.actor, ...roles)) {
    throw RuntimeError.forbidden(`this needs the ${roles.join(' or ')} role`);
  }
}

/** The actor's role in a pool ('member' or 'admin'), read with the session; undefined for outsiders. */
export function poolRoleOf(actor: Actor, poolKey: string): string | undefined {
  const roles = actor.poolRoles ?? {};
  return Object.prototype.hasOwnProperty.call(roles, poolKey) ? roles[poolKey] : undefined;
}

/** Admins, and members of the pool who are managers or the pool's own admins. */
export function mayManagePool(actor: Actor, poolKey: string): boolean {
  if (actor.roles.includes('admin')) return true;
  const role = poolRoleOf(actor, poolKey);
  return role !== undefined && (actor.roles.includes('manager') || role === 'admin');
}

export function mayWorkInPool(actor: Actor, poolKey: string): boolean {
  return actor.roles.includes('admin') || poolRoleOf(actor, poolKey) !== undefined;
}

/** Policies (drafts, validation, publishing, simulation) are the admins' and department admins'. */
export function mayEditPolicies(actor: Actor): boolean {
  return actor.roles.includes('admin') || isDepartmentAdmin(actor);
}

export function requirePolicyEditor(request: FastifyRequest): void {
  if (!mayEditPolicies(request.actor))
    throw RuntimeError.forbidden('this needs the admin or departmentAdmin role');
}

/** A department admin with a department (the role without one grants nothing). */
export function isDepartmentAdmin(actor: Actor): boolean {
  return (
    !actor.roles.includes('admin') &&
    actor.roles.includes('departmentAdmin') &&
    typeof actor.departmentId === 'string'
  );
}

/**
 * The department a list is limited to: undefined for admins (everything), the department admin's own,
 * or null for everyone else (who list nothing of this kind).
 */
export function departmentScope(actor: Actor): string | null | undefined {
  if (actor.roles.includes('admin')) return undefined;
  return isDepartmentAdmin(actor) ? (actor.departmentId as string) : null;
}

/** Whether the actor administers a thing owned by this department (admins: every one). */
export function mayAdministerDepartment(actor: Actor, departmentId: string | null): boolean {
  if (actor.roles.includes('admin')) return true;
  return isDepartmentAdmin(actor) && departmentId === actor.departmentId;
}

/**
 * The department a new policy, pool or user of the actor's goes to: a department admin's own (naming
 * another is refused), or the one an admin names (checked to exist), or none.
 */
export async function departmentForNew(
  db: Knex,
  actor: Actor,
  requested: string | null | undefined,
  path: string,
): Promise<string | null> {
  if (isDepartmentAdmin(actor)) {
    if (requested !== undefined && requested !== actor.departmentId)
      throw RuntimeError.forbidden('a department admin works in their own department only');
    return actor.departmentId as string;
  }
  if (!actor.roles.includes('admin')) throw RuntimeError.forbidden('this needs the admin role');
  if (requested === undefined || requested === null) return null;
  await requireDepartment(db, requested, path);
  return requested;
}

export async function requireDepartment(db: Knex, key: string, path: string): Promise<void> {
  if (!(await db('departments').where({ key }).first('key')))
    throw RuntimeError.invalid(path, `department ${key} does not exist`, 'unknown-department', {
      value: key,
    });
}

/** Roles a department admin may not hand out: admin would reach every department. */
export function assertMayGrant(actor: Actor, roles: string[] | undefined): void {
  if (roles?.includes('admin') && !actor.roles.includes('admin'))
    throw RuntimeError.forbidden('only an admin may grant the admin role');
}

/**
 * A policy of another department is 403 to a department admin, like a pool one is not a member of;
 * a policy that does not exist is 404. Admins see every policy.
 */
export async function requirePolicyAccess(
  db: Knex,
  request: FastifyRequest,
  policyId: string,
): Promise<void> {
  requirePolicyEditor(request);
  const row = await db('policies').where({ id: policyId }).first('department_id');
  if (!row) throw RuntimeError.notFound(`policy ${policyId}`);
  if (!mayAdministerDepartment(request.actor, row.department_id))
    throw RuntimeError.forbidden(`policy ${policyId} belongs to another department`);
}

/**
 * A user of another department (or an admin) is 403 to a department admin; admins edit everyone.
 * Unknown users are 404.
 */
export async function requireUserAccess(
  db: Knex,
  request: FastifyRequest,
  userId: string,
): Promise<void> {
  const actor = request.actor;
  if (!actor.roles.includes('admin') && !isDepartmentAdmin(actor))
    throw RuntimeError.forbidden('this needs the admin or departmentAdmin role');
  const row = await db('users').where({ id: userId }).first('department_id', 'roles');
  if (!row) throw RuntimeError.notFound(`user ${userId}`);
  if (actor.roles.includes('admin')) return;
  if (row.department_id !== actor.departmentId || row.roles.includes('admin'))
    throw RuntimeError.forbidden(`user ${userId} is not in your department`);
}

/**
 * Settings that belong to the department (members and managers, name, time zone, version): its admins
 * and global admins. Outsiders get 403/404 from requirePoolRole first.
 */
export async function requirePoolAdministrator(
  app: FastifyInstance,
  request: FastifyRequest,
  poolKey: string,
): Promise<{ department_id: string | null }> {
  await requirePoolRole(app, request, poolKey, 'manager');
  const pool = await app.db('pools').where({ key: poolKey }).first('department_id');
  if (!pool) throw RuntimeError.notFound(`pool ${poolKey}`);
  if (!mayAdministerDepartment(request.actor, pool.department_id))
    throw RuntimeError.forbidden(`this needs an admin of pool ${poolKey}'s department`);
  return pool;
}

/** The manual clock and global settings are the admins'. */
export function mayAdminister(actor: Actor): boolean {
  return actor.roles.includes('admin');
}

/**
 * Members of a pool (and admins) may work in it; its managers may manage it. An outsider learns only that
 * the pool exists (403) or not (404).
 */
export async function requirePoolRole(
  app: FastifyInstance,
  request: FastifyRequest,
  poolKey: string,
  level: PoolLevel,
): Promise<void> {
  const actor = request.actor;
  if (mayWorkInPool(actor, poolKey)) {
    if (level === 'manager' && !mayManagePool(actor, poolKey))
      throw RuntimeError.forbidden(`this needs a manager of pool ${poolKey}`);
    return;
  }
  const pool = await app.db('pools').where({ key: poolKey }).first('key');
  if (!pool) throw RuntimeError.notFound(`pool ${poolKey}`);
  throw RuntimeError.forbidden(`you are not a member of pool ${poolKey}`);
}

/** The record's owner and the pool's managers see every field; other members not the masked ones. */
export function maySeeUnmasked(
  actor: Actor,
  poolKey: string,
  record: { owner_id: string | null },
): boolean {
  return record.owner_id === actor.id || mayManagePool(actor, poolKey);
}

/** Fields of this record hidden from the actor (the policy's `entity.maskedInPool`, or none). */
export function maskedFields(
  actor: Actor,
  record: { pool_key: string; owner_id: string | null },
  compiled: CompiledPolicy,
): string[] {
  if (maySeeUnmasked(actor, record.pool_key, record)) return [];
  return compiled.policy.entity.maskedInPool ?? [];
}

/**
 * Fields hidden from the actor on the records of a list view, so a filter or a search by them would
 * give their values away: the masked fields in a rep's `pool` view (pooled records are nobody's);
 * none in `mine` (the actor's own records) nor for the pool's managers. `poolMasked` gives the fields
 * masked on any record of the pool (records run the version they started on: records.maskedInPool),
 * asked only when the view hides something.
 */
export async function maskedInView(
  actor: Actor,
  poolKey: string,
  view: 'pool' | 'mine' | 'all',
  poolMasked: () => Promise<readonly string[]>,
): Promise<string[]> {
  // Mine lists the actor's own records; any other view holds records of no owner or of others.
  const ownerId = view === 'mine' ? actor.id : null;
  if (maySeeUnmasked(actor, poolKey, { owner_id: ownerId })) return [];
  return [...(await poolMasked())];
}

/** A copy of `data` with the masked fields that are present replaced by '***'. */
export function maskData<T>(data: T, masked: string[]): T {
  if (masked.length === 0 || data === null || typeof data !== 'object' || Array.isArray(data))
    return data;
  const copy = { ...(data as Record<string, unknown>) };
  for (const field of masked) if (Object.hasOwn(copy, field)) copy[field] = '***';
  return copy as T;
}

/**
 * Anyone in the pool may claim; owners act on their records; managers act on any and alone assign.
 * Checked on the row locked for the event, so ownership cannot change between the check and the step.
 */
export function assertMayAct(
  actor: Actor,
  row: { pool_key: string; owner_id: string | null },
  event: PoolEvent,
): void {
  if (event.type === 'CLAIM') return;
  if (mayManagePool(actor, row.pool_key)) return;
  if (event.type === 'ASSIGN') throw RuntimeError.forbidden('assigning needs a manager');
  if (row.owner_id !== actor.id)
    throw RuntimeError.forbidden('only the owner or a manager may do this');
}

/** The event types of `types` the actor may send to this record (assertMayAct's rule), in order. */
export function eventsActorMaySend(
  actor: Actor,
  row: { pool_key: string; owner_id: string | null },
  types: string[],
): string[] {
  if (mayManagePool(actor, row.pool_key)) return types;
  return types.filter(
    (type) => type === 'CLAIM' || (type !== 'ASSIGN' && row.owner_id === actor.id),
  );
}

/**
 * A record's owner is a member of its pool (assign, create with an owner, import, a move to another
 * pool); else 400 on `path`. Gives whether the member's user is disabled.
 */
export async function requirePoolMember(
  db: Knex | Knex.Transaction,
  poolKey: string,
  userId: string,
  path: string,
): Promise<{ disabled: boolean }> {
  const member = await db('pool_members')
    .join('users', 'users.id', 'pool_members.user_id')
    .where('pool_members.pool_key', poolKey)
    .andWhere('pool_members.user_id', userId)
    .first<{ disabled_at: Date | null } | undefined>('users.disabled_at');
  if (!member) {
    const { code, params } = notMember(userId, poolKey);
    throw RuntimeError.invalid(
      path,
      `user ${userId} is not a member of pool ${poolKey}`,
      code,
      params,
    );
  }
  return { disabled: member.disabled_at !== null };
}

/** The detail code of an owner who is not a member of the pool (assign, create, import rows alike). */
export function notMember(user: string, pool: string) {
  return { code: 'not-member', params: { user, pool } };
}

/** Why a record cannot go to a disabled user (assign, create, import rows alike), with its code. */
export function disabledAssignee(userId: string) {
  return {
    message: `user ${userId} is disabled: records go to enabled users only`,
    code: 'user-disabled',
    params: { user: userId },
  };
}

/**
 * A record is given (assigned, created or routed with an owner) only to an enabled member of its pool:
 * a disabled user cannot log in, so a record given to them would sit out its protection unworked.
 */
export async function requireAssignee(
  db: Knex | Knex.Transaction,
  poolKey: string,
  userId: string,
  path: string,
): Promise<void> {
  if ((await requirePoolMember(db, poolKey, userId, path)).disabled) {
    const { message, code, params } = disabledAssignee(userId);
    throw RuntimeError.invalid(path, message, code, params);
  }
}

/** The ids of a pool's members, for checking many rows at once (import). */
export async function poolMemberIds(db: Knex, poolKey: string): Promise<Set<string>> {
  return new Set(await db('pool_members').where({ pool_key: poolKey }).pluck('user_id'));
}
