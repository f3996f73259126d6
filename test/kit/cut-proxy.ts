/**
 * Test kit: a TCP forwarder that makes a server "go away" for its clients while the
 * server itself keeps running (other tests keep using it), in two ways:
 * cut() resets every open connection and stops listening (reconnects are refused:
 * a crashed server); freeze() stops forwarding without closing anything, and accepts
 * new connections that never get an answer (a network partition, a hung server).
 */
import * as net from 'net';

export class CutProxy {
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    /** Both ends of every open connection. */
    private readonly sockets: Set<net.Socket>,
    private readonly state: { frozen: boolean },
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<CutProxy> {
    const sockets = new Set<net.Socket>();
    const state = { frozen: false };
    const server = net.createServer((client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => undefined);
      if (state.frozen) return;
      const upstream = net.connect(targetPort, targetHost);
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => undefined);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new CutProxy(server, (server.address() as net.AddressInfo).port, sockets, state);
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Stops forwarding in both directions; connections stay open, new ones are accepted and ignored. */
  freeze(): void {
    this.state.frozen = true;
    for (const s of this.sockets) {
      s.unpipe();
      s.pause();
    }
  }

  /** Resets every connection and stops accepting new ones. */
  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
    await closed;
  }
}
