/**
 * Test kit: a TCP forwarder in front of a ClickHouse server that loses one answer.
 * When armed (armed = n), the next n INSERTs into `<db>.<table>` reach the server and
 * run, but their responses are dropped and the connection reset: the client sees an
 * ambiguous failure of a statement that was applied (what a retry must survive
 * without writing twice).
 */
import * as net from 'net';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';

export class ResponseDroppingProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  armed = 0;
  dropped = 0;
  port = 0;

  private readonly insert: RegExp;

  /** `table`: the table whose INSERTs lose their answer (default http_stats). */
  constructor(private readonly target: { host: string; port: number }, table = 'http_stats') {
    this.insert = new RegExp(`INSERT(%20|\\+| )INTO(%20|\\+| )\\w+\\.${table}(%20|\\+| )`);
  }

  async listen(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      this.sockets.add(client).add(upstream);
      let dropNextResponse = false;
      client.on('data', (chunk) => {
        if (this.armed > 0 && this.insert.test(chunk.toString('latin1'))) {
          this.armed--;
          dropNextResponse = true;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (dropNextResponse) {
          // The server executed the insert; the client never learns it.
          this.dropped++;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('close', close).on('error', close);
      upstream.on('close', close).on('error', close);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * A database on the test server reached two ways: `direct`, and `viaProxy` through a
 * ResponseDroppingProxy losing answers to INSERTs into `table`. Call from beforeAll;
 * close() (afterAll) drops the database and closes everything.
 */
export async function openBehindDroppingProxy(
  serverUrl: string,
  database: string,
  table: string,
): Promise<{ direct: ClickHouseStore; viaProxy: ClickHouseStore; proxy: ResponseDroppingProxy; close(): Promise<void> }> {
  const url = new URL(serverUrl);
  const proxy = new ResponseDroppingProxy({ host: url.hostname, port: Number(url.port || 8123) }, table);
  await proxy.listen();
  const direct = await openClickHouse({ endpoint: serverUrl, database });
  const viaProxy = await openClickHouse({ endpoint: `http://127.0.0.1:${proxy.port}`, database });
  return {
    direct,
    viaProxy,
    proxy,
    async close() {
      await direct.command(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
      await direct.close();
      await viaProxy.close();
      await proxy.close();
    },
  };
}
