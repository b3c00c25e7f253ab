// Minimal hash router: "#/" is the policy list, "#/policies/<id>" the editor.
import { useEffect, useState } from 'react';

export type Route = { page: 'policies' } | { page: 'editor'; policyId: string };

export function parseRoute(hash: string): Route {
  const m = /^#\/policies\/([^/?#]+)/.exec(hash);
  return m ? { page: 'editor', policyId: decodeURIComponent(m[1]) } : { page: 'policies' };
}

export function navigate(route: Route): void {
  window.location.hash =
    route.page === 'editor' ? `#/policies/${encodeURIComponent(route.policyId)}` : '#/';
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
