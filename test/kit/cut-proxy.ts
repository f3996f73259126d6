/**
 * Test kit: a TCP forwarder that can be cut, so a server "goes away" for its clients
 * while the server itself keeps running (other tests keep using it): cut() resets
 * every open connection and stops listening, so reconnects are refused.
 */
import * as net from 'net';

export class CutProxy {
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    /** Both ends of every open connection. */
    private readonly sockets: Set<net.Socket>,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<CutProxy> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      const upstream = net.connect(targetPort, targetHost);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new CutProxy(server, (server.address() as net.AddressInfo).port, sockets);
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Resets every connection and stops accepting new ones. */
  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
    await closed;
  }
}
