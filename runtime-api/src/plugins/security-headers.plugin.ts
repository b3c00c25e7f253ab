// Security headers on every reply (designer, API, docs, errors): a same-origin CSP, no framing, no sniffing.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const policy = (script: string): string =>
  [
    "default-src 'self'",
    `script-src ${script}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

/**
 * Scripts only from this origin, as files (no inline script anywhere). Styles also inline: React Flow and
 * Swagger UI set style attributes and inject <style> elements.
 */
export const API_CSP = policy("'self'");
/**
 * The designer also needs eval: the engine and the record forms compile JSON Schemas with Ajv, which
 * builds its validators with `new Function`. Inline scripts stay refused.
 */
export const DESIGNER_CSP = policy("'self' 'unsafe-eval'");

export const SECURITY_HEADERS: Record<string, string> = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

export const securityHeadersPlugin = fp(
  (app: FastifyInstance) => {
    // onSend runs for every reply, error and 404 replies included.
    app.addHook('onSend', (request, reply, payload, done) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        if (!reply.hasHeader(name)) void reply.header(name, value);
      }
      if (!reply.hasHeader('content-security-policy')) {
        // The matched route too: the raw URL may be percent-encoded (`/%61pi/…` reaches `/api/…`).
        const strict = [request.url, request.routeOptions.url ?? ''].some(
          (path) => path.startsWith('/api/') || path.startsWith('/docs'),
        );
        void reply.header('content-security-policy', strict ? API_CSP : DESIGNER_CSP);
      }
      done(null, payload);
    });
  },
  { name: 'security-headers' },
);
