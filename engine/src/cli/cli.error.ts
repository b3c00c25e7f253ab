// The command line's one error: a message for stderr and the exit code it ends with.

/** Exit codes: 0 ok, 1 problems or failed expectations, 2 usage error or unreadable input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class CliError extends Error {
  override readonly name = 'CliError';
  /** True when the command line itself was wrong: the usage follows the message. */
  showUsage = false;

  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    /** Extra lines printed after the message (e.g. a policy's problems). */
    readonly lines: readonly string[] = [],
  ) {
    super(message);
  }

  static usage(message: string): CliError {
    const error = new CliError(message);
    error.showUsage = true;
    return error;
  }
}
