/**
 * Log levels and their OpenTelemetry severity numbers/texts.
 * The SDK's six levels map to the first number of each OTel range
 * (TRACE=1, DEBUG=5, INFO=9, WARN=13, ERROR=17, FATAL=21).
 */

export type LevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export const LEVELS: readonly LevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export const SEVERITY_NUMBER: Readonly<Record<LevelName, number>> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

/** A level name, or 'silent' for a threshold above every level. */
export type LevelThreshold = LevelName | 'silent';

/** Severity number threshold of a level ('silent' = above FATAL4). */
export function thresholdOf(level: LevelThreshold): number {
  if (level === 'silent') return 25;
  const n = SEVERITY_NUMBER[level];
  if (n === undefined) throw new Error(`logfun: unknown level ${JSON.stringify(level)} (expected one of ${LEVELS.join(', ')}, silent)`);
  return n;
}

/** Level name of a threshold severity number (inverse of thresholdOf). */
export function levelOfThreshold(severity: number): LevelThreshold {
  if (severity > 21) return 'silent';
  for (let i = LEVELS.length - 1; i >= 0; i--) if (severity >= SEVERITY_NUMBER[LEVELS[i]]) return LEVELS[i];
  return 'trace';
}

const SHORT_TEXT = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/**
 * OTel short severity text for a severity number: 1-4 TRACE (TRACE2..4 for the
 * finer numbers), 5-8 DEBUG, ... 21-24 FATAL; '' for 0/unknown.
 */
export function severityTextOf(severity: number): string {
  if (!(severity >= 1 && severity <= 24)) return '';
  const range = Math.floor((severity - 1) / 4);
  const step = (severity - 1) % 4;
  return step === 0 ? SHORT_TEXT[range] : SHORT_TEXT[range] + (step + 1);
}
