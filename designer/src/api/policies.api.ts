// Policies: list, create, drafts with their validation, publish, versions.
import type { Policy, ValidationResult } from '@poolflow/engine';
import { api } from './client.js';

export interface PolicySummary {
  id: string;
  name: { en: string; zh?: string };
  latestVersion: number;
  updatedAt: string;
}

export interface PolicyDetail extends PolicySummary {
  draft: Policy;
  validation: ValidationResult;
}

export interface VersionSummary {
  version: number;
  message: string;
  publishedBy: string;
  publishedAt: string;
}

const base = (id: string) => `/api/policies/${encodeURIComponent(id)}`;

export async function listPolicies(): Promise<PolicySummary[]> {
  return (await api<{ items: PolicySummary[] }>('GET', '/api/policies')).items;
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

export function publishPolicy(id: string, message: string): Promise<{ version: number }> {
  return api('POST', `${base(id)}/publish`, { message });
}

export async function listVersions(id: string): Promise<VersionSummary[]> {
  return (await api<{ items: VersionSummary[] }>('GET', `${base(id)}/versions`)).items;
}

export function getVersion(
  id: string,
  version: number,
): Promise<VersionSummary & { document: Policy }> {
  return api('GET', `${base(id)}/versions/${version}`);
}
