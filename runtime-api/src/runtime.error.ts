// The runtime's error class: the engine's POOL_ERR_* codes with their HTTP status, plus details.
import { EngineError, type PoolErrorCode } from '@poolflow/engine';

export class RuntimeError extends EngineError {
  static notFound(what: string): RuntimeError {
    return new RuntimeError('POOL_ERR_NOT_FOUND', `${what} not found`);
  }

  static forbidden(message = 'you may not do this'): RuntimeError {
    return new RuntimeError('POOL_ERR_FORBIDDEN', message);
  }

  /**
   * A 400 naming the field. `code` and `params` let a client word it in its own language (the
   * designer's api/refusal-words.ts); the English `message` is the server's text.
   */
  static invalid(
    path: string,
    message: string,
    code?: string,
    params?: Record<string, unknown>,
  ): RuntimeError {
    const detail =
      code === undefined ? { path, message } : { path, message, code, params: params ?? {} };
    return new RuntimeError('POOL_ERR_INVALID_PAYLOAD', `${path} ${message}`, [detail]);
  }

  constructor(code: PoolErrorCode, message: string, details?: unknown) {
    super(code, message, details);
  }
}
