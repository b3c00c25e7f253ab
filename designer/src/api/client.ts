// HTTP client for the runtime API: bearer token, JSON bodies, {error:{code,message}} as ApiError.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'poolflow.token';
let token: string | null = globalThis.localStorage?.getItem(TOKEN_KEY) ?? null;
const unauthorizedListeners = new Set<() => void>();

export function setToken(next: string | null): void {
  token = next;
  if (next) globalThis.localStorage?.setItem(TOKEN_KEY, next);
  else globalThis.localStorage?.removeItem(TOKEN_KEY);
}

export function hasToken(): boolean {
  return token !== null;
}

/** Called when the API answers 401: the token expired or was revoked. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers['authorization'] = `Bearer ${token}`;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: unknown } })
      ?.error;
    if (response.status === 401) unauthorizedListeners.forEach((l) => l());
    throw new ApiError(
      response.status,
      error?.code ?? 'POOL_ERR_HTTP',
      error?.message ?? `${method} ${path}: HTTP ${response.status}`,
      error?.details,
    );
  }
  return data as T;
}

/**
 * Every item of a list the API pages by a cursor (pools, policies, versions, departments): its pages
 * in order until one says there is no next.
 */
export async function allPages<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const url: string = cursor === null ? path : `${path}?cursor=${encodeURIComponent(cursor)}`;
    const page = await api<{ items: T[]; nextCursor?: string | null }>('GET', url);
    items.push(...page.items);
    cursor = page.nextCursor ?? null;
  } while (cursor !== null);
  return items;
}

/**
 * A conditional GET for polling: null when the server answers 304 to `etag` (nothing changed), else
 * the reply and its new ETag. `no-store` keeps the browser's cache out of it: the 304 is ours to see.
 */
export async function apiIfChanged<T>(
  path: string,
  etag: string | null,
): Promise<{ body: T; etag: string | null } | null> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (etag) headers['if-none-match'] = etag;
  const response = await apiFetch(path, { headers, cache: 'no-store' });
  if (response.status === 304) return null;
  return { body: (await response.json()) as T, etag: response.headers.get('etag') };
}

/**
 * A raw request with the bearer token, for bodies and replies that are not JSON (CSV uploads and
 * downloads, streamed NDJSON progress). A non-2xx reply throws the same ApiError as api().
 */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(path, { ...init, headers });
  // 304 only answers a conditional request (apiIfChanged): not an error.
  if (!response.ok && response.status !== 304) {
    const text = await response.text();
    let error: { code?: string; message?: string; details?: unknown } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      // not JSON: the status says enough
    }
    if (response.status === 401) unauthorizedListeners.forEach((l) => l());
    throw new ApiError(
      response.status,
      error?.code ?? 'POOL_ERR_HTTP',
      error?.message ?? `${init.method ?? 'GET'} ${path}: HTTP ${response.status}`,
      error?.details,
    );
  }
  return response;
}
