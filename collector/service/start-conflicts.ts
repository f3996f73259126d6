/**
 * A second collector on the same embedded store folder or on the same ports fails
 * at once, saying which folder or port is taken and how to reach the collector that
 * has it, instead of chDB's "Cannot lock file" and a bare EADDRINUSE.
 *
 * Folder: chDB opens a data folder from one process only (it locks <folder>/status,
 * and says so on stderr first). Before anything opens the store, a collector claims
 * its chdb:// folder with an owner file, `<folder>/logfun-collector.json` (pid, and
 * the admin endpoint once bound), made with an exclusive create. A start that finds
 * the file of a live collector refuses with that collector's admin endpoint. A file
 * whose pid is gone (kill -9, a crash), or whose admin endpoint refuses connections
 * (the pid reused by another program after a reboot), is taken over; if chDB then
 * still finds the folder locked, its error is reworded too. shutdown removes it.
 *
 * Ports: any EADDRINUSE during start (admin, OTLP/gRPC, OTLP/HTTP) becomes a
 * message naming the address and the config key to change. The ports are tried
 * before the start makes anything (assertPortsFree): a start refused for a taken
 * port leaves no folder or token file behind, and grpc-js prints nothing of its own.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { parseHostPort } from '../otlp/endpoint';

export const OWNER_FILE = 'logfun-collector.json';

export class StartConflictError extends Error {}

interface OwnerRecord {
  pid: number;
  admin?: string;
}

function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * False only when the owner's admin endpoint refuses connections: nobody listens, so
 * its pid is another program's now. Any answer, a timeout, or no endpoint yet
 * (the owner still starting, or running without one) count as a live owner.
 */
export async function adminMayAnswer(admin: string | undefined): Promise<boolean> {
  if (!admin) return true;
  try {
    await fetch(new URL('/healthz', admin), { signal: AbortSignal.timeout(2000) });
    return true;
  } catch (e) {
    return (e as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED';
  }
}

function readOwner(file: string): OwnerRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as OwnerRecord;
  } catch {
    return undefined; // gone meanwhile, or half-written by a crash: not a live claim
  }
}

/**
 * The collector that holds `folder` (from its owner file), or undefined when none
 * does: for a reader (`logfun sql --endpoint chdb://<folder>`) that must not open a
 * folder a running collector has (chDB would fail with "Cannot lock file").
 */
export async function liveStoreOwner(folder: string): Promise<{ pid: number; admin?: string } | undefined> {
  const owner = readOwner(path.join(folder, OWNER_FILE));
  return owner && alive(owner.pid) && (await adminMayAnswer(owner.admin)) ? owner : undefined;
}

/** This process's claim on an embedded store folder. */
export class StoreFolderClaim {
  private constructor(private readonly file: string) {}

  /** Claims `folder` (made when missing); throws StartConflictError when a live collector holds it. */
  static async claim(folder: string): Promise<StoreFolderClaim> {
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, OWNER_FILE);
    const record = JSON.stringify({ pid: process.pid } satisfies OwnerRecord);
    for (let attempt = 0; ; attempt++) {
      try {
        fs.writeFileSync(file, record, { flag: 'wx', mode: 0o600 });
        return new StoreFolderClaim(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      }
      const owner = readOwner(file);
      if (owner && alive(owner.pid) && (await adminMayAnswer(owner.admin))) throw new StartConflictError(folderInUseMessage(folder, owner));
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }

  /** Records the admin endpoint a second start should point to. */
  setAdmin(admin: string | undefined): void {
    if (!admin) return;
    try {
      fs.writeFileSync(this.file, JSON.stringify({ pid: process.pid, admin } satisfies OwnerRecord), { mode: 0o600 });
    } catch {
      /* informational only */
    }
  }

  release(): void {
    if (readOwner(this.file)?.pid === process.pid) fs.rmSync(this.file, { force: true });
  }
}

function folderInUseMessage(folder: string, owner: OwnerRecord): string {
  const reach = owner.admin
    ? `reach it at ${owner.admin} (logfun sql / tail / control --admin ${owner.admin}, from its working folder where its admin token is)`
    : 'reach it through its admin endpoint (logfun sql / tail / control)';
  return (
    `the embedded store ${folder} is already used by another collector (pid ${owner.pid}); an embedded store is opened by one process only. ` +
    `Use that one: ${reach}; or stop it first; or give this one another folder (another working folder, or exporters.clickhouse.endpoint: chdb://<folder> in a config)`
  );
}

/**
 * Throws an EADDRINUSE error naming the first of `endpoints` ("host:port") that another
 * program listens on, trying each with a listener opened and closed at once. Only IP
 * literals (or no host: every address) on fixed ports: a name may resolve to several
 * addresses, of which the real bind needs only one, and port 0 is always free. Any other
 * failure (EACCES, EADDRNOTAVAIL) is left to the real bind to report. A port taken between
 * this check and the start still fails there, as before.
 */
export async function assertPortsFree(endpoints: readonly string[]): Promise<void> {
  for (const endpoint of endpoints) {
    let host: string;
    let port: number;
    try {
      ({ host, port } = parseHostPort(endpoint));
    } catch {
      continue; // invalid: validation reports it
    }
    if (port === 0 || (host !== '' && net.isIP(host) === 0)) continue;
    const code = await tryListen(host, port);
    if (code === 'EADDRINUSE') throw new Error(`cannot listen on ${endpoint}: EADDRINUSE (address already in use)`);
  }
}

/** The error code of listening on host:port (the listener closed at once), or undefined when it could. */
function tryListen(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    server.listen({ host: host || undefined, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** The start error in the user's terms when it is a taken port or a locked store; else `e` unchanged. */
export function explainStartError(e: unknown): unknown {
  if (e instanceof StartConflictError || !(e instanceof Error)) return e;
  const message = e.message;
  if (/EADDRINUSE|address already in use/i.test(message)) {
    const address = [...message.matchAll(/(\[[^\]]+\]|[\w.-]+):(\d+)/g)].pop()?.[0] ?? 'a port of this collector';
    return new StartConflictError(
      `${address} is already in use. If another collector (or logfun demo) has it, use that one: logfun sql / tail / control --admin <its admin endpoint, ` +
        'default http://127.0.0.1:13133>; else `ss -ltnp` shows which program has it. Or stop it, or choose other ports in a config ' +
        '(receivers.otlp.protocols.grpc/http.endpoint, service.telemetry.admin.endpoint)',
    );
  }
  const locked = /Cannot lock file (\S+?)\/status/.exec(message);
  if (locked) return new StartConflictError(`the embedded store ${locked[1]} is already open in another process (one process per folder): stop it, or use another folder`);
  return e;
}
