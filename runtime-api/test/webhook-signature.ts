// How a receiver checks Poolflow's webhook signature: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifySignature(header: string | undefined, raw: string, secret: string): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=')));
  const t = parts['t'];
  const v1 = parts['v1'];
  if (!t || !v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');
  return v1.length === expected.length && timingSafeEqual(Buffer.from(v1), Buffer.from(expected));
}
