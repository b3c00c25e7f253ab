// Requests Node's HTTP parser refuses before any route sees them (headers too large, a malformed header or
// request line, a request too slow to arrive) get the contract's error shape and security headers too.
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { API_CSP, SECURITY_HEADERS } from './security-headers.plugin.js';

/** The reply to one parser error: status and the contract's `{error: {code, message, details}}`. */
export function clientErrorReply(code: string | undefined): {
  status: number;
  error: { code: string; message: string; details: { path: string; message: string }[] };
} {
  const refuse = (status: number, errorCode: string, path: string, message: string) => ({
    status,
    error: { code: errorCode, message: `${path} ${message}`, details: [{ path, message }] },
  });
  if (code === 'HPE_HEADER_OVERFLOW')
    return refuse(
      431,
      'POOL_ERR_TOO_LARGE',
      '/headers',
      `are larger than the limit of ${maxHeaderSize} bytes`,
    );
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return refuse(408, 'POOL_ERR_INVALID_PAYLOAD', '/', 'did not arrive in time');
  if (code?.includes('HEADER'))
    return refuse(
      400,
      'POOL_ERR_INVALID_PAYLOAD',
      '/headers',
      'hold a header that is not valid HTTP',
    );
  return refuse(400, 'POOL_ERR_INVALID_PAYLOAD', '/', 'is not a valid HTTP request');
}

/** Fastify's `clientErrorHandler` (its default answers `{"error":"Bad Request","statusCode":400}`). */
export function clientErrorHandler(
  this: FastifyInstance,
  err: NodeJS.ErrnoException,
  socket: Socket,
): void {
  // A reset connection has nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, error } = clientErrorReply(err.code);
  this.log.debug({ code: err.code }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify({ error });
    const headers = {
      ...SECURITY_HEADERS,
      'content-security-policy': API_CSP,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
  }
  socket.destroy(err);
}
