// Login and the signed-in user.
import type { LoginReply, User as ApiUser } from './api.types.js';
import { api, setToken } from './client.js';

/**
 * The signed-in user as kept in the browser: the generated User's id and roles (any string: a role
 * this build does not know grants nothing); sessions stored by older builds may lack the names.
 */
export type User = Pick<ApiUser, 'id'> &
  Partial<Pick<ApiUser, 'username' | 'displayName'>> & { roles: string[] };

const USER_KEY = 'poolflow.user';

export async function login(username: string, password: string): Promise<User> {
  const reply = await api<LoginReply>('POST', '/api/auth/login', {
    username,
    password,
  });
  setToken(reply.token);
  const user: User = reply.user;
  globalThis.localStorage?.setItem(USER_KEY, JSON.stringify(user));
  return user;
}

/** Ends the session on the server too (its token stops working), then forgets it here. */
export function logout(): void {
  // Sent before the token is cleared (api() reads it now); the reply does not matter.
  void api('POST', '/api/auth/logout').catch(() => undefined);
  setToken(null);
  globalThis.localStorage?.removeItem(USER_KEY);
}

export function storedUser(): User | null {
  const raw = globalThis.localStorage?.getItem(USER_KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as User;
  } catch {
    return null;
  }
}
