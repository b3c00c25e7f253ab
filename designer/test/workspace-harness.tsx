// A workspace for component tests: the CRM pool (Asia/Shanghai), its policy as members see it, an owned
// record, the providers a workspace screen needs (language, signed-in user, pool, server clock), a
// stubbed fetch that records each request (or one sent on to a real runtime), and pages of a history as
// the API serves them.
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import type { User } from '../src/api/auth.api.js';
import { setToken } from '../src/api/client.js';
import type { Pool, PoolPolicy } from '../src/api/pools.api.js';
import type { HistoryEntry, RecordDetail } from '../src/api/records.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { WorkspaceProvider } from '../src/workspace/workspace-context.js';
import { CRM_POOL, crmPoolPolicy, ME } from './workspace-fixtures.js';

/** A record the signed-in test user owns, in the CRM's owned state. */
export function ownedRecord(extra: Partial<RecordDetail> = {}): RecordDetail {
  return {
    id: 'r1',
    pool: 'crm',
    policyId: 'crm-customer-pool',
    policyVersion: 1,
    state: 'owned',
    pooled: false,
    done: false,
    ownerId: ME.id,
    tags: [],
    score: 40,
    data: { name: 'ACME Trading' },
    masked: [],
    seq: 1,
    poolEntries: 0,
    lastRelease: null,
    previousOwnerIds: [],
    timers: [],
    availableEvents: ['FOLLOW_UP'],
    ...extra,
  };
}

/** The providers of a workspace screen: the CRM pool and its policy unless `pool` and `policy` say. */
export function TestWorkspace(props: {
  children: ReactNode;
  lang?: Lang;
  me?: User;
  pool?: Pool;
  policy?: PoolPolicy;
}) {
  const pool = props.pool ?? CRM_POOL;
  return (
    <I18nProvider lang={props.lang ?? 'en'}>
      <WorkspaceProvider
        me={props.me ?? ME}
        pools={[pool]}
        pool={pool}
        policy={props.policy ?? crmPoolPolicy()}
        clockOffset={0}
        reload={() => undefined}
      >
        {props.children}
      </WorkspaceProvider>
    </I18nProvider>
  );
}

export interface ApiRequest {
  method: string;
  url: string;
  body: unknown;
}

/** fetch answered by `answer` (a 404 error when it has no answer); returns the requests made. */
export function stubFetch(
  answer: (
    request: ApiRequest,
  ) => { status?: number; body: unknown; headers?: Record<string, string> } | undefined,
): ApiRequest[] {
  const calls: ApiRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const request = {
        method: init.method ?? 'GET',
        url,
        body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
      };
      calls.push(request);
      const reply = answer(request) ?? {
        status: 404,
        body: { error: { code: 'POOL_ERR_NOT_FOUND', message: 'not found' } },
      };
      return Promise.resolve(
        new Response(JSON.stringify(reply.body), {
          status: reply.status ?? 200,
          ...('headers' in reply ? { headers: reply.headers } : {}),
        }),
      );
    }),
  );
  return calls;
}

/** fetch as Node has it, before any test stubs it. */
const realFetch = globalThis.fetch;

/** The designer's requests go to a real runtime at `server`, as the user of `token`. */
export function fetchFrom(server: string, token: string): void {
  setToken(token);
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) =>
    realFetch(new URL(url, server), init),
  );
}

/**
 * A page of `steps` (oldest first) as the history route serves it for `url`: `order` asc or desc,
 * `limit`, and a cursor that is the seq of the previous page's last step.
 */
export function historyPage(
  steps: HistoryEntry[],
  url: string,
): { items: HistoryEntry[]; nextCursor: string | null } {
  const query = new URLSearchParams(url.split('?')[1]);
  const desc = query.get('order') === 'desc';
  const ordered = desc ? [...steps].reverse() : steps;
  const after = query.get('cursor');
  const start = after === null ? 0 : ordered.findIndex((s) => String(s.seq) === after) + 1;
  const limit = Number(query.get('limit') ?? '100');
  const items = ordered.slice(start, start + limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: start + limit < ordered.length && last ? String(last.seq) : null,
  };
}

/** One detail of a runtime refusal with its code, as the runtime sends it. */
export interface Detail {
  path: string;
  message: string;
  code: string;
  params: Record<string, unknown>;
}
