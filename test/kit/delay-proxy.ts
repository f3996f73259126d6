/**
 * Test kit: a TCP proxy that makes a server slow. Every chunk, in each
 * direction, is forwarded `delayMs` after it arrived (latency) and no faster than
 * `bytesPerSecond` per connection and direction (bandwidth); order is kept. Both
 * can be changed while connections are open (new values apply to chunks arriving
 * from then on). Reading from a side pauses while more than `maxBufferedBytes` wait
 * to be forwarded, so the proxy itself stays bounded and TCP backpressure reaches
 * the sender, as on a slow link.
 *
 * It also measures request/response exchanges on each connection (for HTTP/1.1
 * with keep-alive, one exchange = one request): the time from the first byte a
 * client sends after the connection was idle to the first byte of the answer that
 * reaches the client.
 */
import * as net from 'net';

export interface DelayProxyOptions {
  /** Target host:port. */
  targetHost: string;
  targetPort: number;
  delayMs?: number;
  /** 0 = unlimited. */
  bytesPerSecond?: number;
  maxBufferedBytes?: number;
}

interface Pending {
  chunk: Buffer;
  /** When it is due (ms, Date.now scale). */
  at: number;
  from: net.Socket;
  to: net.Socket;
  delivered?: () => void;
}

/** One direction of one connection. */
interface Lane {
  /** When the previous chunk finishes "transmitting". */
  busyUntil: number;
  buffered: number;
  queue: Pending[];
  timer?: NodeJS.Timeout;
}

export class DelayProxy {
  delayMs: number;
  bytesPerSecond: number;
  private readonly maxBufferedBytes: number;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Milliseconds of every completed exchange, in completion order. */
  readonly exchangeMs: number[] = [];
  bytesUp = 0;
  bytesDown = 0;
  connections = 0;

  constructor(private readonly options: DelayProxyOptions) {
    this.delayMs = options.delayMs ?? 0;
    this.bytesPerSecond = options.bytesPerSecond ?? 0;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1 << 20;
  }

  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
  }

  private accept(client: net.Socket): void {
    this.connections++;
    const upstream = net.connect(this.options.targetPort, this.options.targetHost);
    this.sockets.add(client);
    this.sockets.add(upstream);
    let requestStartedAt: number | undefined;
    const up: Lane = { busyUntil: 0, buffered: 0, queue: [] };
    const down: Lane = { busyUntil: 0, buffered: 0, queue: [] };
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    client.on('data', (chunk: Buffer) => {
      this.bytesUp += chunk.length;
      if (requestStartedAt === undefined) requestStartedAt = Date.now();
      this.forward(chunk, client, upstream, up);
    });
    upstream.on('data', (chunk: Buffer) => {
      this.bytesDown += chunk.length;
      this.forward(chunk, upstream, client, down, () => {
        if (requestStartedAt !== undefined) {
          this.exchangeMs.push(Date.now() - requestStartedAt);
          requestStartedAt = undefined;
        }
      });
    });
  }

  private forward(chunk: Buffer, from: net.Socket, to: net.Socket, lane: Lane, delivered?: () => void): void {
    const now = Date.now();
    const transmitMs = this.bytesPerSecond > 0 ? (chunk.length * 1000) / this.bytesPerSecond : 0;
    const at = Math.max(now + this.delayMs, lane.busyUntil) + transmitMs;
    lane.busyUntil = at;
    lane.buffered += chunk.length;
    lane.queue.push({ chunk, at, from, to, delivered });
    if (lane.buffered > this.maxBufferedBytes) from.pause();
    this.pump(lane);
  }

  /** Sends the lane's due chunks in order, then waits for the next one (one timer per lane keeps the order). */
  private pump(lane: Lane): void {
    if (lane.timer) return;
    const now = Date.now();
    while (lane.queue.length > 0 && lane.queue[0].at <= now) {
      const c = lane.queue.shift()!;
      lane.buffered -= c.chunk.length;
      if (!c.to.destroyed) c.to.write(c.chunk);
      c.delivered?.();
      if (lane.buffered <= this.maxBufferedBytes / 2 && c.from.isPaused()) c.from.resume();
    }
    if (lane.queue.length === 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      lane.timer = undefined;
      this.pump(lane);
    }, Math.max(1, Math.ceil(lane.queue[0].at - now)));
    lane.timer = timer;
    this.timers.add(timer);
  }

  /** Closes the listener and every proxied connection. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The q-quantile (0..1) of a list of numbers (nearest rank); NaN for an empty list. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
