/**
 * Console transport (development): one human-readable line per record on
 * stderr, e.g.
 *
 *   2024-05-01T12:00:00.123456Z INFO  checkout  user 42 paid 3.5  orderId=7 region="eu"  (src/pay.ts:31 charge)
 *
 * Time (UTC, microseconds), level, service, rendered Body, the record's own
 * attributes (template attributes left out: the Body says it), trace/span ids
 * when present, and the call site. Colors when the stream is a TTY and
 * NO_COLOR is unset. Writing never fails an export.
 */
import * as path from 'path';
import {
  bodyAt,
  forEachAttribute,
  severityTextAt,
  timeUnixNanoAt,
} from '../record-view';
import type { ExportBatch, Transport, TransportBatchDefaults } from '../transport';
import { renderArgument, stringifyValue, type ArgumentValue, type AttributeValue } from '../../protocol/values';

export interface ConsoleTransportOptions {
  /** Default process.stderr. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Default: stream is a TTY and NO_COLOR is not set. */
  colors?: boolean;
}

const LEVEL_COLOR: Record<string, string> = {
  TRACE: '\x1b[90m',
  DEBUG: '\x1b[36m',
  INFO: '\x1b[32m',
  WARN: '\x1b[33m',
  ERROR: '\x1b[31m',
  FATAL: '\x1b[35m',
};
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

function isoMicros(unixNano: bigint): string {
  const ms = Number(unixNano / 1_000_000n);
  const micros = Number((unixNano / 1000n) % 1000n);
  const iso = new Date(ms).toISOString(); // ...sss'Z'
  return iso.slice(0, -1) + String(micros).padStart(3, '0') + 'Z';
}

function attributeText(v: AttributeValue | ArgumentValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined || typeof v !== 'object' || v instanceof Uint8Array) return renderArgument(v as ArgumentValue);
  return stringifyValue(v);
}

export class ConsoleTransport implements Transport {
  readonly name = 'console';
  readonly batchDefaults: TransportBatchDefaults = { delayMs: 20 };
  private readonly stream: NodeJS.WritableStream;
  private readonly colors: boolean;

  constructor(options: ConsoleTransportOptions = {}) {
    const stream = options.stream ?? process.stderr;
    this.stream = stream;
    this.colors = options.colors ?? (Boolean((stream as { isTTY?: boolean }).isTTY) && !process.env.NO_COLOR);
  }

  async export(batch: ExportBatch): Promise<void> {
    const buf = batch.buffer;
    const service = batch.resource.serviceName;
    let out = '';
    for (let i = 0; i < batch.length; i++) {
      const slot = batch.slot(i);
      const level = (severityTextAt(buf, slot) || 'LOG').padEnd(5);
      const body = bodyAt(buf, slot);
      const bodyText = typeof body === 'string' ? body : body === undefined ? '' : stringifyValue(body);
      let attrs = '';
      forEachAttribute(buf, slot, false, (key, value) => {
        attrs += ` ${key}=${attributeText(value)}`;
      });
      const traceId = buf.traceId[slot];
      if (traceId) attrs += ` trace_id=${traceId} span_id=${buf.spanId[slot]}`;
      const site = buf.template[slot]?.site;
      const where = site ? ` (${path.relative(process.cwd(), site.filepath) || site.filepath}:${site.lineno}${site.function ? ' ' + site.function : ''})` : '';
      const time = isoMicros(timeUnixNanoAt(buf, slot));
      if (this.colors) {
        const color = LEVEL_COLOR[level.trim()] ?? '';
        out += `${DIM}${time}${RESET} ${color}${level}${RESET} ${DIM}${service}${RESET}  ${bodyText}${attrs ? ` ${DIM}${attrs.trimStart()}${RESET}` : ''}${where ? `${DIM}${where}${RESET}` : ''}\n`;
      } else {
        out += `${time} ${level} ${service}  ${bodyText}${attrs ? ' ' + attrs.trimStart() : ''}${where}\n`;
      }
    }
    this.stream.write(out);
  }

  async shutdown(): Promise<void> {
    // stderr is never closed by us.
  }
}
