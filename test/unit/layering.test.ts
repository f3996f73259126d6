/**
 * The wire protocol (OTLP protos, compact limits, template id and text, severity,
 * values, mute reasons, the log-file format) lives in protocol/, which both sides
 * import; the collector and its processors never import the SDK, and protocol/
 * imports neither side. Read from the sources, so a new import that crosses the
 * line fails here before it ships.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourcesUnder(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** The top-level folders a source file imports from (relative imports only). */
function importedRoots(file: string): Set<string> {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const roots = new Set<string>();
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), m[1]));
    roots.add(target.split(path.sep)[0]);
  }
  return roots;
}

function offenders(dirs: string[], forbidden: string[]): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    for (const file of sourcesUnder(dir)) {
      for (const root of importedRoots(file)) if (forbidden.includes(root)) out.push(`${file} imports ${root}/`);
    }
  }
  return out;
}

test('the collector and the processors do not import the SDK', () => {
  // `logfun demo` (collector/cli/demo*.ts) is an application logging through the SDK next to a collector, on purpose.
  const isDemo = (o: string) => /^collector\/cli\/demo[\w-]*\.ts imports sdk\/$/.test(o);
  expect(offenders(['collector', 'processors'], ['sdk']).filter((o) => !isDemo(o))).toEqual([]);
});

test('protocol/ imports neither the SDK nor the collector', () => {
  expect(offenders(['protocol'], ['sdk', 'collector', 'processors'])).toEqual([]);
});
