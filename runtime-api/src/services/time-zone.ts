// Pool time zones: the default zone of a new pool; the zone arithmetic is the engine's (calendar.ts).
export { isTimeZone, localDay } from '@poolflow/engine';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
