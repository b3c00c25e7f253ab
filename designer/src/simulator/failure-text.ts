// A failing saved scenario (from the publish gate) in plain words: which step, when, what was expected.
import type { ExpectationFailure, Policy, Scenario } from '@poolflow/engine';
import type { ScenarioFailure } from '../api/policies.api.js';
import { stateLabel } from '../canvas/policy-graph.js';
import type { I18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';

type Words = Pick<I18n, 't' | 'lang'>;

const UNITS: Record<string, { en: [string, string]; zh: string }> = {
  Y: { en: ['year', 'years'], zh: '年' },
  Mo: { en: ['month', 'months'], zh: '个月' },
  W: { en: ['week', 'weeks'], zh: '周' },
  D: { en: ['day', 'days'], zh: '天' },
  H: { en: ['hour', 'hours'], zh: '小时' },
  Mi: { en: ['minute', 'minutes'], zh: '分钟' },
  S: { en: ['second', 'seconds'], zh: '秒' },
};

/** An ISO-8601 duration as words: "P6M5D" -> "6 months 5 days" / "6个月5天". */
export function durationWords(iso: string, lang: I18n['lang']): string {
  const m =
    /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(
      iso,
    );
  if (!m) return iso;
  const parts = (['Y', 'Mo', 'W', 'D', 'H', 'Mi', 'S'] as const)
    .map((unit, i) => ({ unit, n: Number(m[i + 1] ?? 0) }))
    .filter((p) => p.n > 0);
  if (lang === 'zh') return parts.map((p) => `${p.n}${UNITS[p.unit].zh}`).join('');
  return parts.map((p) => `${p.n} ${UNITS[p.unit].en[p.n === 1 ? 0 : 1]}`).join(' ');
}

const REASONS: Record<string, MessageKey> = {
  POOL_ERR_NOT_ELIGIBLE: 'reasonNotEligible',
  POOL_ERR_COOLDOWN: 'reasonCooldown',
  POOL_ERR_CLAIM_LIMIT: 'reasonClaimLimit',
  POOL_ERR_DAILY_LIMIT: 'reasonDailyLimit',
  POOL_ERR_TAKEN: 'reasonTaken',
  POOL_ERR_EVENT_NOT_ALLOWED: 'reasonNotAllowed',
};

/** Why the engine refused a step, in words where the code is a known one. */
export function reasonWords(code: string, { t }: Words): string {
  const key = REASONS[code];
  return key ? `${t(key)} (${code})` : code;
}

/** "Step 5 of the scenario, 31 days after the start: bob sends CLAIM". */
export function stepWords(step: NonNullable<ScenarioFailure['step']>, i18n: Words): string {
  const { t, lang } = i18n;
  const time = durationWords(step.at, lang);
  const when = time === '' ? t('gateWhenStart') : t('gateWhen', { time });
  const n = step.index + 1;
  if (step.event && step.actor) {
    return t('gateStepActor', { step: n, when, actor: step.actor, event: step.event });
  }
  if (step.event) return t('gateStepActor', { step: n, when, actor: '—', event: step.event });
  return t('gateStepCheck', { step: n, when });
}

/** A JSON value as text: strings as they are, anything else as JSON. */
const text = (value: unknown): string =>
  typeof value === 'string' ? value : JSON.stringify(value);
const list = (value: unknown, empty: string): string =>
  Array.isArray(value) && value.length > 0 ? value.map(text).join(', ') : empty;

/** What the scenario expected and what happened instead. */
export function expectationWords(failure: ScenarioFailure, policy: Policy, i18n: Words): string {
  const { t, lang } = i18n;
  const e = failure.expectation;
  if (!e) return t('gateCouldNotRun', { message: failure.error?.message ?? failure.message });
  const owner = (v: unknown) => (v === null || v === undefined ? t('gateNobody') : text(v));
  const state = (v: unknown) => stateLabel(policy, text(v), lang);
  switch (e.field) {
    case 'state':
      return t('gateExpectState', { expected: state(e.expected), actual: state(e.actual) });
    case 'ownerId':
      return t('gateExpectOwner', { expected: owner(e.expected), actual: owner(e.actual) });
    case 'rejected':
      return e.expected === null
        ? t('gateExpectNotRejected')
        : t('gateExpectRejected', {
            expected: text(e.expected),
            actual: e.actual === null ? t('gateNone') : text(e.actual),
          });
    case 'tagsInclude':
      return t('gateExpectTag', {
        expected: text(e.expected),
        actual: list(e.actual, t('gateNoTags')),
      });
    case 'tagsExclude':
      return t('gateExpectNoTag', {
        expected: text(e.expected),
        actual: list(e.actual, t('gateNoTags')),
      });
    case 'notified':
      return t('gateExpectNotified', {
        expected: list(e.expected, t('gateNobody')),
        actual: list(e.actual, t('gateNobody')),
      });
    case 'score': {
      const range = e.expected as { min?: number; max?: number };
      return t('gateExpectScore', {
        expected: `${range.min ?? '…'}–${range.max ?? '…'}`,
        actual: text(e.actual),
      });
    }
    default:
      return t('gateExpectOther', {
        field: e.field,
        expected: JSON.stringify(e.expected),
        actual: JSON.stringify(e.actual),
      });
  }
}

/** A simulator run's failed expectations of one step, in the same words as the publish refusal. */
export function simulationFailureWords(
  failures: readonly [ExpectationFailure, ...ExpectationFailure[]],
  scenario: Scenario,
  policy: Policy,
  i18n: Words,
): string {
  const first = failures[0];
  const source = scenario.steps[first.step];
  const step = {
    index: first.step,
    at: first.at,
    actor: source?.actor ?? null,
    event: source?.event?.type ?? null,
  };
  const expected = failures.map((failure) =>
    expectationWords(
      {
        scenario: { index: 0, name: scenario.name ?? '' },
        step,
        expectation: { field: failure.field, expected: failure.expected, actual: failure.actual },
        failedExpectations: 1,
        message: failure.message,
      },
      policy,
      i18n,
    ),
  );
  return `${stepWords(step, i18n)}. ${expected.join(' ')}`;
}
