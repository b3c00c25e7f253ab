// Who an import row's owner cell names: a member of the pool, by user id, by username, or by display
// name when exactly one member has it (people type names, not ids). Read once per import.
import type { Knex } from 'knex';
import { disabledAssignee, notMember } from '../access.js';

/** A member's id, or why the cell names none: in English, and a code with params (as access.ts's). */
export type OwnerLookup =
  { id: string } | { error: string; code: string; params: Record<string, unknown> };

export interface OwnerDirectory {
  resolve(cell: string): OwnerLookup;
}

export async function poolOwners(db: Knex, poolKey: string): Promise<OwnerDirectory> {
  const members = await db('pool_members')
    .join('users', 'users.id', 'pool_members.user_id')
    .where('pool_members.pool_key', poolKey)
    .select<{ id: string; username: string; display_name: string; disabled_at: Date | null }[]>(
      'users.id',
      'users.username',
      'users.display_name',
      'users.disabled_at',
    );
  // A disabled user cannot log in: rows naming one are refused, saying why (not "not a member").
  const disabled = new Set(members.filter((m) => m.disabled_at !== null).map((m) => m.id));
  const enabled = (id: string): OwnerLookup => {
    if (!disabled.has(id)) return { id };
    const { message, ...code } = disabledAssignee(id);
    return { error: message, ...code };
  };
  const ids = new Set(members.map((m) => m.id));
  const byUsername = new Map(members.map((m) => [m.username.toLowerCase(), m.id]));
  const byName = new Map<string, string[]>();
  for (const m of members) {
    const key = m.display_name.trim().toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), m.id]);
  }
  return {
    resolve(cell) {
      const value = cell.trim();
      if (ids.has(value)) return enabled(value);
      const byUser = byUsername.get(value.toLowerCase());
      if (byUser) return enabled(byUser);
      const named = byName.get(value.toLowerCase()) ?? [];
      if (named.length === 1) return enabled(named[0] as string);
      if (named.length > 1)
        return {
          error: `${named.length} members of pool ${poolKey} are called "${value}": give the username`,
          code: 'owner-ambiguous',
          params: { value, count: named.length, pool: poolKey },
        };
      // The cell names no member: by id, username or name alike ("bob" may be no user at all).
      return {
        error: `"${value}" is not a member of pool ${poolKey} (by id, username or name)`,
        ...notMember(value, poolKey),
      };
    },
  };
}
