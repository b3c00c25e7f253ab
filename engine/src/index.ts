// Public entry of @poolflow/engine.
export { compile, type CompiledPolicy, type CompileOptions } from './compile.js';
export { validate, type Problem, type ValidationResult, type ValidateOptions } from './validate.js';
export { policyWarnings } from './validate-warnings.js';
export { PROBLEM_CODES, type ProblemCode } from './problem-codes.js';
export {
  start,
  step,
  availableEvents,
  isTimerEvent,
  scoreOf,
  toEpoch,
  type StartOptions,
} from './step.js';
export { checkClaim, type ClaimCheck } from './claim.js';
export { NOT_BLANK } from './json-schema.js';
export {
  CHOICE_NAMES_ZH,
  FIELD_NAMES_ZH,
  ZH_TITLE,
  choiceNameZh,
  fieldNameZh,
} from './field-names.js';
export {
  auditDraw,
  auditReason,
  auditedEvents,
  recordTitle,
  revoke,
  type Revocation,
  type RevokeEnv,
} from './audit.js';
export { nextContactAt, type Contacts } from './contact.js';
export { edit, move, type EditEnv, type MoveEnv, type MovedTimer } from './quiet-steps.js';
export {
  MAX_UNIQUE_FIELDS,
  UNIQUE_FIELD_TYPES,
  uniqueKeys,
  uniqueValue,
  type UniqueKey,
} from './unique-keys.js';
export {
  compileRouting,
  validateRouting,
  route,
  routeRelease,
  isRelease,
  notAdmitted,
  type CompiledRouting,
  type RouteDecision,
  type RoutingData,
  type Routing,
  type RoutingOn,
} from './routing.js';
export { timersOnEntry, timerKeyOf, type ArmedTimer, type EntryData } from './entry-timers.js';
export { EngineError, httpStatusOf, type PoolErrorCode } from './engine.error.js';
export {
  defineAction,
  actions,
  ActionRegistry,
  type ActionContext,
  type ActionDefinition,
} from './registry.js';
export {
  defineOperator,
  removeOperator,
  evaluate,
  truthy,
  allowedOperators,
  escapePointer,
} from './logic/json-logic.js';
export { setRuleBudget, ruleBudget, DEFAULT_RULE_BUDGET, type RuleBudget } from './logic/budget.js';
export { RULE_LIMITS } from './validate-limits.js';
export { addBusinessTime, isTimeZone, localDay } from './calendar.js';
export type * from './types.js';
export type {
  Policy,
  Scenario,
  Delay,
  Calendar,
  ClaimRules,
  StateNode,
  Transition,
} from './schema.types.js';
export {
  simulate,
  checkScenario,
  SIMULATION_LIMITS,
  type SimulationResult,
  type TraceEntry,
  type ExpectationFailure,
} from './simulator.js';
export { addDuration } from './duration.js';
export {
  migrateSnapshot,
  migrateTimers,
  mapState,
  type MigrateOptions,
  type MigrateResult,
  type StateProblem,
  type TimerChange,
  type TimerMove,
  type TimersMode,
} from './migrate.js';
