// A pool's entry and routing rules: read, replace, and try a record against them (saved or not).
import type { Policy } from '@poolflow/engine';
import type {
  AdmissionRule as ApiAdmissionRule,
  Routing as ApiRouting,
  RoutingRule as ApiRoutingRule,
  RoutingTestBody,
  RoutingTestReply,
} from './api.types.js';
import { api } from './client.js';

// Types generated from schemas/routing.schema.json; a rule's `when` is any JSON-logic (true, an
// operator object, …), typed as a policy's rules are.
export type Rule = NonNullable<Policy['rules']>[string];
type WithRule<T> = Omit<T, 'when'> & { when: Rule };
export type RoutingRule = WithRule<ApiRoutingRule>;
export type AdmissionRule = WithRule<ApiAdmissionRule>;
export type Routing = Omit<ApiRouting, 'rules' | 'admission'> & {
  rules: RoutingRule[];
  admission?: AdmissionRule[];
};
export type RoutingTrigger = NonNullable<RoutingRule['on']>[number];
export type { RoutingTestReply };

export interface RoutingTry extends Omit<RoutingTestBody, 'routing' | 'data' | 'instance'> {
  data: Record<string, unknown>;
  instance?: Record<string, unknown>;
  /** An unsaved routing: the editor's rules as they stand. */
  routing?: Routing;
}

const base = (pool: string) => `/api/pools/${encodeURIComponent(pool)}/routing`;

export function getRouting(pool: string): Promise<Routing> {
  return api('GET', base(pool));
}

export function putRouting(pool: string, routing: Routing): Promise<Routing> {
  return api('PUT', base(pool), routing);
}

export function testRouting(pool: string, body: RoutingTry): Promise<RoutingTestReply> {
  return api('POST', `${base(pool)}/test`, body);
}
