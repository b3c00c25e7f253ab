// The codes of validation problems, in one list: a new code is added here or does not compile, and the
// designer's tables (words per code, in each language) are checked against this list.
export const PROBLEM_CODES = [
  // JSON Schema (Ajv) and document size
  'schema',
  'too-deep',
  // names that point nowhere
  'unknown-operator',
  'unknown-rule',
  'invalid-var',
  'unknown-var',
  'unknown-action',
  'invalid-params',
  'unknown-state',
  'unknown-field',
  'unique-field-type',
  'unique-field-set',
  'unknown-calendar',
  'unknown-time-zone',
  'unknown-delay',
  'unknown-event',
  'invalid-payload-schema',
  // the lifecycle's shape
  'no-exit',
  'pool-without-claim',
  'final-pool',
  'unreachable-state',
  // static limits
  'rule-recursive',
  'rule-too-deep',
  'rule-fan-out',
  'rule-nested-loops',
  'timer-cycle',
  'always-cycle',
  // silent breakage
  'delay-relative-invalid',
  'delay-unknown-reference',
  'delay-reference-cycle',
  'delay-reference-not-armed',
  'timer-never-fires',
  'rule-constant',
  'rule-type-mismatch',
  'blank-name',
  'transition-does-nothing',
  'calendar-no-working-time',
  // routing documents (validateRouting)
  'duplicate-name',
  // warnings: said, never making a policy invalid (ValidationResult.warnings)
  'calendar-holidays-ending',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];
