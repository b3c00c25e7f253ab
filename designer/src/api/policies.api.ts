// Policies: list, create, drafts with their validation, publish, versions.
import type { Policy } from '@poolflow/engine';
import type {
  PolicyDetail as ApiPolicyDetail,
  PolicyList,
  PolicySummary,
  PolicyVersion as ApiPolicyVersion,
  PolicyVersionList,
  PolicyVersionSummary,
  PublishReply,
  ScenarioFailure,
} from './api.types.js';
import { allPages, api } from './client.js';

// Types generated from schemas/ (api.types.ts). A policy's draft and a version's document are
// policy documents (policy.schema.json): typed here as the engine's Policy.
export type { PolicySummary, PublishReply, ScenarioFailure };
export type PolicyDetail = Omit<ApiPolicyDetail, 'draft'> & { draft: Policy };
export type VersionSummary = PolicyVersionSummary;
export type PolicyVersion = Omit<ApiPolicyVersion, 'document'> & { document: Policy };

const base = (id: string) => `/api/policies/${encodeURIComponent(id)}`;

export function listPolicies(): Promise<PolicySummary[]> {
  return allPages<PolicyList['items'][number]>('/api/policies');
}

export function getPolicy(id: string): Promise<PolicyDetail> {
  return api('GET', base(id));
}

export function createPolicy(document: Policy): Promise<PolicyDetail> {
  return api('POST', '/api/policies', { document });
}

export function saveDraft(id: string, document: Policy): Promise<PolicyDetail> {
  return api('PUT', `${base(id)}/draft`, { document });
}

/**
 * Publishes the draft. Its saved scenarios run first: a failure is an ApiError with code
 * POOL_ERR_SCENARIO_FAILED and the failures as details, unless `force` (which needs a message).
 */
export function publishPolicy(id: string, message: string, force = false): Promise<PublishReply> {
  return api('POST', `${base(id)}/publish`, force ? { message, force } : { message });
}

export function listVersions(id: string): Promise<VersionSummary[]> {
  return allPages<PolicyVersionList['items'][number]>(`${base(id)}/versions`);
}

export function getVersion(id: string, version: number): Promise<PolicyVersion> {
  return api('GET', `${base(id)}/versions/${version}`);
}
