// Security headers on every reply (designer, API, docs, errors): a same-origin CSP, no framing, no sniffing.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Scripts only from this origin (the designer's Vite build and Swagger UI load theirs as files). Styles
 * also inline: React Flow and Swagger UI set style attributes and inject <style> elements.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

export const securityHeadersPlugin = fp(
  (app: FastifyInstance) => {
    // onSend runs for every reply, error and 404 replies included.
    app.addHook('onSend', (_request, reply, payload, done) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        if (!reply.hasHeader(name)) void reply.header(name, value);
      }
      done(null, payload);
    });
  },
  { name: 'security-headers' },
);
