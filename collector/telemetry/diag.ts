import type { DiagLogger } from '../pipeline/component';

const LEVEL_RANK = { info: 0, warn: 1, error: 2 } as const;

/** Diagnostic logger writing one JSON line per message to stderr, from `level` up (`quiet` = level warn). */
export function createDiagLogger(options: { quiet?: boolean; level?: 'info' | 'warn' | 'error'; component?: string } = {}): DiagLogger {
  const min = LEVEL_RANK[options.level ?? (options.quiet ? 'warn' : 'info')];
  const write = (level: string, msg: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({ ts: new Date().toISOString(), level, component: options.component, msg, ...fields }, (_k, v) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    process.stderr.write(line + '\n');
  };
  return {
    info: (msg, fields) => {
      if (min <= 0) write('info', msg, fields);
    },
    warn: (msg, fields) => {
      if (min <= 1) write('warn', msg, fields);
    },
    error: (msg, fields) => write('error', msg, fields),
  };
}

/** A logger that records messages in memory; for tests and embedded use. */
export function createMemoryLogger(): DiagLogger & { messages: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const messages: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  return {
    messages,
    info: (msg, fields) => messages.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => messages.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => messages.push({ level: 'error', msg, fields }),
  };
}
