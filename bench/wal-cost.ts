/**
 * Write-ahead log cost: the process CPU (every thread: JavaScript, libuv pool,
 * kernel time of the writes, reads, fsyncs and deletes) per record of the log
 * alone, used as the clickhouse exporter uses it under overload: entries are
 * appended as fast as the byte bound lets them, every entry is read back from
 * the log and acknowledged in inserts of --insert records, fsync 'interval'.
 *
 *   npm run build && node dist/bench/wal-cost.js [--records 600000] [--per-entry 500]
 *                                               [--record-bytes 454] [--insert 50000] [--runs 3]
 *
 * Compare two builds by running each build's copy of this file, one after the other.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WriteAheadLog } from '../collector/queue/wal';
import { formatNumber, printTable } from './lib';

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const RECORDS = Number(argValue('--records', '600000'));
const PER_ENTRY = Number(argValue('--per-entry', '500'));
const RECORD_BYTES = Number(argValue('--record-bytes', '454'));
const INSERT = Number(argValue('--insert', '50000'));
const RUNS = Number(argValue('--runs', '3'));

interface Result {
  cpuSeconds: number;
  wallSeconds: number;
}

async function runOnce(): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-bench-wal-'));
  const wal = await WriteAheadLog.open({ directory: dir, maxBytes: 256 * 1024 * 1024, fsync: 'interval' });
  const entries = Math.ceil(RECORDS / PER_ENTRY);
  const payload = randomBytes(PER_ENTRY * RECORD_BYTES);
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  const reader = (async () => {
    let next = 1;
    let sinceAck = 0;
    while (next <= entries) {
      const seq = wal.nextLiveSeq(next);
      if (seq === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const e = await wal.read(seq);
      next = seq + 1;
      sinceAck += e.records;
      if (sinceAck >= INSERT || seq === entries) {
        await wal.acknowledge({ seq: seq + 1, record: 0 });
        sinceAck = 0;
        notify();
      }
    }
  })();
  for (let i = 0; i < entries; i++) {
    while (!wal.hasRoom(payload.length)) await new Promise<void>((resolve) => (wake = resolve));
    payload.writeUInt32LE(i, 0);
    await wal.append(payload, PER_ENTRY);
    notify();
  }
  await reader;
  await wal.close();
  const cpu = process.cpuUsage(cpu0);
  const wallSeconds = Number(process.hrtime.bigint() - wall0) / 1e9;
  fs.rmSync(dir, { recursive: true, force: true });
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds };
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (let r = 0; r < RUNS; r++) results.push(await runOnce());
  const cpu = results.map((r) => r.cpuSeconds).sort((a, b) => a - b);
  const median = cpu[Math.floor(cpu.length / 2)];
  printTable(
    `write-ahead log: ${formatNumber(RECORDS)} records of ${RECORD_BYTES} B, ${PER_ENTRY} per entry, appended, read back, acknowledged every ${formatNumber(INSERT)} (process CPU, every thread)`,
    ['runs (CPU-s)', 'median CPU-s', 'records/CPU-s', 'MB/CPU-s'],
    [[cpu.map((c) => c.toFixed(3)).join(' '), median.toFixed(3), formatNumber(Math.round(RECORDS / median)), ((RECORDS * RECORD_BYTES) / median / 1e6).toFixed(0)]],
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
