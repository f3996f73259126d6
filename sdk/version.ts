/** The SDK version (telemetry.sdk.version, scope version): the package.json version next to the code. */
import * as fs from 'fs';
import * as path from 'path';

function readPackageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const file = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'logfun' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; keep walking up
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

export const SDK_VERSION = readPackageVersion();
export const SDK_NAME = 'logfun';
