// Minimal hash router: "#/" is the policy list, "#/policies/<id>" the editor, "#/pools/<key>/…" the
// workspace of a pool (pool view, my records, a record, analytics, import, failed timers, audits),
// "#/admin/<section>" the administration pages ("#/admin/pools/<key>" one pool's settings and
// members, and "#/admin/pools/<key>/routing" its routing rules).
import { useEffect, useState } from 'react';

export type WorkspaceView =
  'pool' | 'mine' | 'record' | 'analytics' | 'import' | 'failed-timers' | 'audits';

export type Route =
  | { page: 'policies' }
  | { page: 'editor'; policyId: string }
  | { page: 'workspace'; pool?: string; view: WorkspaceView; recordId?: string }
  | { page: 'admin'; section: string; pool?: string; tab?: AdminPoolTab };

/** The tabs of one pool in the administration: members and settings (no suffix), routing. */
export type AdminPoolTab = 'routing';

export function parseRoute(hash: string): Route {
  const editor = /^#\/policies\/([^/?#]+)/.exec(hash);
  if (editor) return { page: 'editor', policyId: decodeURIComponent(editor[1]) };
  const admin = /^#\/admin(?:\/([a-z-]+)(?:\/([^/?#]+)(?:\/(routing))?)?)?\/?$/.exec(hash);
  if (admin) {
    const [, section = 'users', pool, tab] = admin;
    if (!pool) return { page: 'admin', section };
    const route = { page: 'admin' as const, section, pool: decodeURIComponent(pool) };
    return tab === 'routing' ? { ...route, tab } : route;
  }
  const pools =
    /^#\/pools(?:\/([^/?#]+)(?:\/(mine|analytics|import|failed-timers|audits|records\/([^/?#]+)))?)?\/?$/.exec(
      hash,
    );
  if (pools) {
    const [, pool, sub, recordId] = pools;
    if (!pool) return { page: 'workspace', view: 'pool' };
    const key = decodeURIComponent(pool);
    if (recordId) return { page: 'workspace', pool: key, view: 'record', recordId };
    return { page: 'workspace', pool: key, view: (sub as WorkspaceView | undefined) ?? 'pool' };
  }
  return { page: 'policies' };
}

export function routeHash(route: Route): string {
  if (route.page === 'editor') return `#/policies/${encodeURIComponent(route.policyId)}`;
  if (route.page === 'policies') return '#/';
  if (route.page === 'admin') {
    const section = `#/admin/${route.section}`;
    if (!route.pool) return section;
    const pool = `${section}/${encodeURIComponent(route.pool)}`;
    return route.tab ? `${pool}/${route.tab}` : pool;
  }
  if (!route.pool) return '#/pools';
  const pool = `#/pools/${encodeURIComponent(route.pool)}`;
  if (route.view === 'record' && route.recordId) return `${pool}/records/${route.recordId}`;
  return route.view === 'pool' || route.view === 'record' ? pool : `${pool}/${route.view}`;
}

export function navigate(route: Route): void {
  window.location.hash = routeHash(route);
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
