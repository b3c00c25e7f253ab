// The shapes validation returns: problems (the policy is invalid) and warnings (it is not), and its options.
import type { ProblemCode } from './problem-codes.js';
import type { JsonObject } from './types.js';

export interface Problem {
  /** JSON pointer into the policy document. */
  path: string;
  code: ProblemCode;
  /** In English, for API users and the CLI. */
  message: string;
  /** What the message names (a state, an operator, a limit; Ajv's keyword and params), for its words in another language. */
  params: JsonObject;
}

export interface ValidationResult {
  /** No problems: the policy may be compiled and published. Warnings do not count. */
  valid: boolean;
  problems: Problem[];
  /** What may go wrong later (a calendar's holidays running out); never makes the policy invalid. */
  warnings: Problem[];
}

export interface ValidateOptions {
  /**
   * Check for silent breakage (timer-never-fires, rule-constant, rule-type-mismatch; prototype
   * members in `var` paths, delays past 100 years; default true).
   * Off for versions already published: records run on them, whatever checks came later.
   */
  breakage?: boolean;
  /** Check `scenarios` against the scenario schema (default true); compile() skips them: no record runs them. */
  scenarios?: boolean;
  /** The time warnings are judged at (epoch ms; default Date.now()). */
  now?: number;
}
