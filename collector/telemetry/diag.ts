import type { DiagLogger } from '../pipeline/component';

/** Diagnostic logger writing one JSON line per message to stderr; `quiet` silences info. */
export function createDiagLogger(options: { quiet?: boolean; component?: string } = {}): DiagLogger {
  const write = (level: string, msg: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({ ts: new Date().toISOString(), level, component: options.component, msg, ...fields }, (_k, v) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    process.stderr.write(line + '\n');
  };
  return {
    info: (msg, fields) => {
      if (!options.quiet) write('info', msg, fields);
    },
    warn: (msg, fields) => write('warn', msg, fields),
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
