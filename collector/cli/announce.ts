/**
 * What the CLI says about a started collector's admin endpoint: the address it
 * actually bound, and, when the admin token was made by this start, the token
 * itself, once (the way Jupyter prints its URL), with the file it is kept in.
 */
import type { Collector } from '../service/collector';

/** The console URL with the sign-in token, for a collector with an admin endpoint. */
export function consoleSignInUrl(collector: Collector): string | undefined {
  const base = collector.admin.boundUrl;
  if (!base) return undefined;
  // A wildcard bind is reached on loopback from this machine.
  const local = base.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
  return `${local}/?token=${encodeURIComponent(collector.adminToken)}`;
}

export function announceAdmin(collector: Collector, out: (line: string) => void = (l) => process.stderr.write(l + '\n')): void {
  const base = collector.admin.boundUrl;
  if (!base) return;
  out(`logfun: admin endpoint listening on ${base}`);
  if (collector.adminTokenCreated) {
    out(`logfun: made an admin token (kept in ${collector.adminTokenFile}, readable only by you; shown once):`);
    out(`logfun:   console  ${consoleSignInUrl(collector)}`);
  } else if (collector.adminTokenFile) {
    out(`logfun: the admin token is in ${collector.adminTokenFile} (logfun sql/tail/control read it from there)`);
  }
}

/**
 * Files and folders this process creates are its owner's only (0600 / 0700): the
 * store, the write-ahead log and the token hold every record.
 */
export function restrictNewFiles(): void {
  process.umask(0o077);
}
