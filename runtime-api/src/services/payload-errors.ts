// An engine payload error names fields relative to the event (`/payload/x`, `/type`); a route names them
// where its request has them (`/body/payload/x`, or `/body/x` where the body is the payload).
import { EngineError } from '@poolflow/engine';
import { RuntimeError } from '../runtime.error.js';

/** The engine's payload error with its fields named where the request has the payload (`/payload/x` -> `${at}/x`). */
export function payloadAt(e: unknown, at: string, type: string): unknown {
  if (!(e instanceof EngineError) || e.code !== 'POOL_ERR_INVALID_PAYLOAD') return e;
  if (!Array.isArray(e.details)) return e;
  const details = (e.details as { path: string; message: string }[]).map((d) =>
    d.path === '/payload' || d.path.startsWith('/payload/')
      ? { ...d, path: `${at}${d.path.slice('/payload'.length)}` }
      : d.path === '/type'
        ? { ...d, path: '/body/type' } // an event the policy does not have (the events route's type)
        : d,
  );
  const message = details.map((d) => `${d.path} ${d.message}`).join('; ');
  const ofPayload = details.some((d) => d.path.startsWith(at));
  return new RuntimeError(
    e.code,
    ofPayload ? `${type} payload is invalid: ${message}` : message,
    details,
  );
}
