// Webhook delivery: targets that resolve to loopback, link-local or private addresses are refused (unless
// allowed), the connection goes to the address that was checked (no DNS rebinding), redirects are not followed.
import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** A webhook that must not be sent (a private target, a bad URL): failed for good, never retried. */
export class WebhookRefused extends Error {}

// One table of refused blocks, both families; an IPv4 address embedded in an IPv6 one is judged by the IPv4 rows.
const BLOCKS: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48], // local-use NAT64 past its /96 form: where the IPv4 address sits is the network's choice
  ['100::', 64], // discard
  ['2001::', 32], // Teredo: the client's address is obfuscated and reached through a relay
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some networks)
  ['ff00::', 8], // multicast
];
const blocked = new BlockList();
for (const [net, bits] of BLOCKS) blocked.addSubnet(net, bits, isIP(net) === 4 ? 'ipv4' : 'ipv6');

/** The eight 16-bit words of a valid IPv6 address (zone dropped, a dotted IPv4 tail as two words). */
function ipv6Words(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((w) => parseInt(w, 16));
}

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d),
 * IPv4-compatible, NAT64 (64:ff9b::/96, local-use 64:ff9b:1::/96) or 6to4 (2002:aabb:ccdd::) IPv6 address.
 */
function embeddedIpv4(address: string): string | null {
  const n = ipv6Words(address);
  const zeros = (from: number, to: number) => n.slice(from, to).every((w) => w === 0);
  const mapped = zeros(0, 5) && (n[5] === 0xffff || n[5] === 0);
  const translated = zeros(0, 4) && n[4] === 0xffff && n[5] === 0;
  const nat64 = n[0] === 0x64 && n[1] === 0xff9b && (n[2] === 0 || n[2] === 1) && zeros(3, 6);
  const sixToFour = n[0] === 0x2002;
  if (!mapped && !translated && !nat64 && !sixToFour) return null;
  const [hi = 0, lo = 0] = sixToFour ? n.slice(1, 3) : n.slice(6);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/**
 * True for addresses a webhook may not reach: loopback, private, link-local, unspecified, multicast,
 * documentation, discard, Teredo, and IPv6 forms carrying such an IPv4 address.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse
  const v4 = embeddedIpv4(address);
  if (v4 !== null) return blocked.check(v4, 'ipv4');
  return blocked.check(address, 'ipv6');
}

export interface WebhookOptions {
  /** Allow loopback and private targets (POOLFLOW_WEBHOOK_ALLOW_PRIVATE=1: tests, local demos). */
  allowPrivate: boolean;
  signal: AbortSignal;
  /** Signs the body (X-Poolflow-Signature) when given. */
  secret?: string | undefined;
}

/**
 * Stripe-style signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The time is the
 * wall clock's, which a receiver compares with its own to refuse replays.
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Signing secrets from the environment: POOLFLOW_WEBHOOK_SECRET, and POOLFLOW_WEBHOOK_SECRET_<NAME> per name. */
export interface WebhookSecrets {
  fallback?: string | undefined;
  named: Record<string, string>;
}

export function webhookSecretsFromEnv(env: NodeJS.ProcessEnv): WebhookSecrets {
  const named: Record<string, string> = {};
  const prefix = 'POOLFLOW_WEBHOOK_SECRET_';
  for (const [name, value] of Object.entries(env))
    if (name.startsWith(prefix) && value) named[name.slice(prefix.length)] = value;
  return { fallback: env['POOLFLOW_WEBHOOK_SECRET'] || undefined, named };
}

/**
 * The secret a webhook is signed with: its `secretRef`'s (a missing one is an error, retried: the operator
 * may still set it), else the default secret, else none (sent unsigned).
 */
export function secretFor(secrets: WebhookSecrets, ref: unknown): string | undefined {
  if (typeof ref !== 'string') return secrets.fallback;
  const secret = secrets.named[ref.toUpperCase()];
  if (!secret)
    throw new Error(
      `signing secret ${ref} is not set (POOLFLOW_WEBHOOK_SECRET_${ref.toUpperCase()})`,
    );
  return secret;
}

/** The address to connect to: every address the name resolves to must be public. */
async function checkedAddress(
  hostname: string,
  allowPrivate: boolean,
): Promise<{ address: string; family: number }> {
  const literal = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const addresses = isIP(literal)
    ? [{ address: literal, family: isIP(literal) }]
    : await lookup(literal, { all: true, verbatim: true });
  if (addresses.length === 0) throw new Error(`webhook host ${hostname} has no address`);
  if (!allowPrivate) {
    const inside = addresses.find((a) => isPrivateAddress(a.address));
    if (inside)
      throw new WebhookRefused(
        `webhook target ${hostname} resolves to ${inside.address}, a loopback, private or link-local address; ` +
          'set POOLFLOW_WEBHOOK_ALLOW_PRIVATE=1 to allow it',
      );
  }
  return addresses[0]!;
}

/** POSTs the effect's body as JSON with its key as Idempotency-Key; a non-2xx (3xx included) fails. */
export async function postWebhook(
  effect: { key: string; [field: string]: unknown },
  options: WebhookOptions,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(String(effect['url']));
  } catch {
    throw new WebhookRefused('webhook URL is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new WebhookRefused(`webhook URL scheme ${url.protocol} is not http or https`);
  const target = await checkedAddress(url.hostname, options.allowPrivate);
  // The socket connects to the checked address; the URL's host still names the server (Host, TLS SNI).
  const pinned: LookupFunction = (_host, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
  const body = JSON.stringify(effect['body'] ?? null);
  const request: RequestOptions = {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'idempotency-key': effect.key,
      'user-agent': 'Poolflow-Webhooks/1',
      ...(options.secret === undefined
        ? {}
        : {
            'x-poolflow-signature': signatureHeader(
              options.secret,
              body,
              Math.floor(Date.now() / 1000),
            ),
          }),
    },
    lookup: pinned,
    signal: options.signal,
  };
  const status = await new Promise<number>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, request, (res) => {
      res.resume(); // the answer's body is not read, only its status
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
  // The host only, as deliveries show it: a robot's URL carries its access key in the path or query.
  if (status >= 300 && status < 400)
    throw new Error(`webhook ${url.host} answered ${status}; redirects are not followed`);
  if (status < 200 || status >= 300) throw new Error(`webhook ${url.host} answered ${status}`);
}
