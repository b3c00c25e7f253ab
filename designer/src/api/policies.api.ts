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

/** A saved scenario that failed at publish (api.schema.json#/definitions/scenarioFailure). */
export interface ScenarioFailure {
  scenario: { index: number; name: string };
  step: {
    index: number;
    at: string;
    actor: string | null;
    event: string | null;
    rejected?: { code: string; message: string };
  } | null;
  expectation: { field: string; expected: unknown; actual: unknown } | null;
  failedExpectations: number;
  error?: { code: string; message: string };
  message: string;
}

export interface VersionSummary {
  version: number;
  message: string;
  publishedBy: string;
  publishedAt: string;
  /** Published past failing scenarios (listed in failedScenarios). */
  forced: boolean;
  failedScenarios: ScenarioFailure[];
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

/**
 * Publishes the draft. Its saved scenarios run first: a failure is an ApiError with code
 * POOL_ERR_SCENARIO_FAILED and the failures as details, unless `force` (which needs a message).
 */
export function publishPolicy(
  id: string,
  message: string,
  force = false,
): Promise<{ version: number; forced: boolean; failedScenarios: ScenarioFailure[] }> {
  return api('POST', `${base(id)}/publish`, force ? { message, force } : { message });
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
