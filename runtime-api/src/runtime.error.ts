// The runtime's error class: the engine's POOL_ERR_* codes with their HTTP status, plus details.
import { EngineError, type PoolErrorCode } from '@poolflow/engine';

export class RuntimeError extends EngineError {
  static notFound(what: string): RuntimeError {
    return new RuntimeError('POOL_ERR_NOT_FOUND', `${what} not found`);
  }

  static forbidden(message = 'you may not do this'): RuntimeError {
    return new RuntimeError('POOL_ERR_FORBIDDEN', message);
  }

  static invalid(path: string, message: string): RuntimeError {
    return new RuntimeError('POOL_ERR_INVALID_PAYLOAD', `${path} ${message}`, [{ path, message }]);
  }

  constructor(code: PoolErrorCode, message: string, details?: unknown) {
    super(code, message, details);
  }
}
