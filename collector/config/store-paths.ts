/**
 * Checks that every embedded store (`chdb://<folder>`) a config names can be used
 * before anything starts: the folder is a directory we can write (or can be made
 * under one), and there is only one (chDB binds one data folder per process).
 * Without this a bad path passed `--validate` and the collector then retried for ever.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { CollectorConfig } from './config';

/** Every `chdb://` endpoint in the components' configs, with the path of its key. */
export function chdbEndpointsOf(config: CollectorConfig): { where: string; endpoint: string }[] {
  const found: { where: string; endpoint: string }[] = [];
  for (const [id, c] of [...config.receivers, ...config.processors, ...config.exporters]) {
    const endpoint = (c.config as { endpoint?: unknown } | undefined)?.endpoint;
    if (typeof endpoint === 'string' && endpoint.startsWith('chdb://')) found.push({ where: `${c.kind}s.${id}.endpoint`, endpoint });
  }
  return found;
}

/** One message per unusable store path; empty when all can be used. */
export function checkStorePaths(config: CollectorConfig): string[] {
  const problems: string[] = [];
  const folders = new Set<string>();
  for (const { where, endpoint } of chdbEndpointsOf(config)) {
    const rest = endpoint.slice('chdb://'.length);
    if (!rest) {
      problems.push(`${where}: "${endpoint}" names no folder (use chdb://./data or chdb:///var/lib/logfun)`);
      continue;
    }
    const folder = path.resolve(rest);
    folders.add(folder);
    const problem = folderProblem(folder);
    if (problem) problems.push(`${where}: ${folder}: ${problem}`);
  }
  if (folders.size > 1) problems.push(`embedded stores: one process can open only one chDB folder, these name ${folders.size}: ${[...folders].join(', ')}`);
  return problems;
}

function folderProblem(folder: string): string | undefined {
  let probe = folder;
  for (;;) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(probe);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return (e as Error).message;
    }
    if (stat) {
      if (!stat.isDirectory()) return probe === folder ? 'exists and is not a folder' : `${probe} is not a folder`;
      try {
        fs.accessSync(probe, fs.constants.W_OK | fs.constants.X_OK);
      } catch {
        return probe === folder ? 'not writable' : `cannot be made: ${probe} is not writable`;
      }
      return undefined;
    }
    const parent = path.dirname(probe);
    if (parent === probe) return 'no existing parent folder';
    probe = parent;
  }
}
