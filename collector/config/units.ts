/** Duration and size values as written in YAML config: "250ms", "5s", "2m", "1h", or a number of milliseconds. */
export function parseDuration(value: string | number, path = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`${path}: must be a non-negative duration, got ${value}`);
    return value;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!m) throw new Error(`${path}: invalid duration "${value}" (use e.g. 500ms, 5s, 2m, 1h)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}

/** Sizes: "512", "64KiB", "4MiB", "1GiB" (also KB/MB/GB as powers of 1000), or a number of bytes. */
export function parseSize(value: string | number, path = 'size'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`${path}: must be a non-negative size, got ${value}`);
    return value;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)?\s*$/i.exec(value);
  if (!m) throw new Error(`${path}: invalid size "${value}" (use e.g. 4MiB)`);
  const n = Number(m[1]);
  const units: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };
  return Math.floor(n * units[(m[2] ?? 'b').toLowerCase()]);
}
