// A small typed client for developers: every operation of the contract by operationId, over fetch.
import { apiRoutes, type ApiOperations, type ErrorReply, type OperationId } from './api.types.js';

type Parts<K extends OperationId> = Omit<ApiOperations[K], 'reply'>;

/** An operation's inputs (params, query, body as the contract names them), plus request options. */
export type CallInput<K extends OperationId> = Parts<K> & {
  /** Replayed instead of repeated when the same request is sent again (mutating routes). */
  idempotencyKey?: string;
  /** A body that is not JSON, e.g. `{ type: 'text/csv', body: csv }` for importRecords. */
  content?: { type: string; body: string };
};

/** The input may be left out when the operation needs none, or only an optional query (listPools, getMe, …). */
type Args<K extends OperationId> =
  Partial<Parts<K>> extends Parts<K> ? [input?: CallInput<K>] : [input: CallInput<K>];

/** A 4xx/5xx reply: the contract's error component, with the HTTP status. */
export class PoolflowApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'PoolflowApiError';
  }
}

export interface ClientOptions {
  /** Where the runtime listens, e.g. http://localhost:3000 */
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
}

export interface PoolflowClient {
  /** The bearer token sent with every call (set by login). */
  token: string | undefined;
  call<K extends OperationId>(operation: K, ...args: Args<K>): Promise<ApiOperations[K]['reply']>;
  /** Logs in and keeps the token for the next calls. */
  login(username: string, password: string): Promise<ApiOperations['login']['reply']>;
}

/** Path and query values: the contract's params and queries hold only these. */
type Scalar = string | number | boolean;

/** `/api/pools/:pool` with `{pool: 'crm'}` -> `/api/pools/crm`. */
function pathOf(url: string, params: Record<string, Scalar> | undefined): string {
  return url.replace(/:(\w+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`${url}: params.${name} is required`);
    return encodeURIComponent(String(value));
  });
}

export function createClient(options: ClientOptions): PoolflowClient {
  const send = options.fetch ?? fetch;
  const client: PoolflowClient = {
    token: options.token,
    async call(operation, ...args) {
      const { method, url } = apiRoutes[operation];
      const input = (args[0] ?? {}) as {
        params?: Record<string, Scalar>;
        query?: Record<string, Scalar | undefined>;
        body?: unknown;
      } & Pick<CallInput<OperationId>, 'idempotencyKey' | 'content'>;
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(input.query ?? {}))
        if (value !== undefined) query.set(key, String(value));
      const headers: Record<string, string> = { accept: 'application/json' };
      if (client.token) headers['authorization'] = `Bearer ${client.token}`;
      if (input.idempotencyKey) headers['idempotency-key'] = input.idempotencyKey;
      let body: string | undefined;
      if (input.content) {
        headers['content-type'] = input.content.type;
        body = input.content.body;
      } else if (input.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(input.body);
      }
      const search = query.size > 0 ? `?${query.toString()}` : '';
      const response = await send(`${options.baseUrl}${pathOf(url, input.params)}${search}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      const json = (response.headers.get('content-type') ?? '').includes('application/json');
      if (!response.ok) {
        const error = json ? (JSON.parse(text) as ErrorReply).error : undefined;
        throw new PoolflowApiError(
          response.status,
          error?.code ?? 'POOL_ERR_HTTP',
          error?.message ?? `${method} ${url}: HTTP ${response.status}`,
          error?.details,
        );
      }
      // JSON replies parsed; CSV and other text as it came; no content as null.
      return (text === '' ? null : json ? JSON.parse(text) : text) as never;
    },
    async login(username, password) {
      const reply = await client.call('login', { body: { username, password } });
      client.token = reply.token;
      return reply;
    },
  };
  return client;
}
