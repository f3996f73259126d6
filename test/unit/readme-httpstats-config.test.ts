/**
 * The README's HTTP access statistics config snippet is a complete config that
 * `logfun collector --validate` accepts (the newcomer's copy failed: "clickhouse"
 * was used in the pipeline but not defined under exporters). Validates it the way
 * --validate does (collector/cli.ts): a Collector built from it, store paths checked.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import { checkStorePaths } from '../../collector/config/store-paths';

/** The first ```yaml block after the heading `## <title>`. */
function readmeYaml(title: string): string {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`## ${title}\n`));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!section.startsWith('## ') || !m) throw new Error(`no yaml block under "## ${title}"`);
  return m[1];
}

test('the HTTP access statistics snippet validates', () => {
  const yaml = readmeYaml('HTTP access statistics');
  expect(yaml).toContain('httpstats');
  const collector = new Collector({ yaml });
  expect(checkStorePaths(collector.config)).toEqual([]);
  expect([...collector.config.pipelines.keys()]).toEqual(['logs']);
});
