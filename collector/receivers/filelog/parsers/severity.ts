/**
 * Levels written in log lines to OTel severity numbers (the first number of each
 * range: TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21).
 */

const BY_NAME: Record<string, number> = {
  trace: 1, finest: 1, finer: 1,
  debug: 5, dbg: 5, fine: 5, verbose: 5,
  info: 9, information: 9, informational: 9, notice: 10, log: 9,
  warn: 13, warning: 13,
  error: 17, err: 17, severe: 17,
  fatal: 21, critical: 21, crit: 21, alert: 22, emerg: 23, emergency: 23, panic: 24,
};

const SHORT_TEXT = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** Severity number of a level name, case-insensitive; 0 when unknown. */
export function severityOfName(name: string): number {
  return BY_NAME[name.trim().toLowerCase()] ?? 0;
}

/**
 * Severity number of a numeric level. pino/bunyan levels (10, 20, ... 60) win
 * where they overlap OTel numbers, since they are what JSON lines in Node carry;
 * other values in 1..24 are taken as OTel severity numbers; 0 when unknown.
 */
export function severityOfNumber(level: number): number {
  switch (level) {
    case 10: return 1;
    case 20: return 5;
    case 30: return 9;
    case 40: return 13;
    case 50: return 17;
    case 60: return 21;
  }
  return Number.isInteger(level) && level >= 1 && level <= 24 ? level : 0;
}

/** OTel short text of a severity number ('INFO', 'WARN2', ...); '' for 0. */
export function severityShortText(severity: number): string {
  if (!(severity >= 1 && severity <= 24)) return '';
  const range = Math.floor((severity - 1) / 4);
  const step = (severity - 1) % 4;
  return step === 0 ? SHORT_TEXT[range] : SHORT_TEXT[range] + (step + 1);
}
