/**
 * deploy/: the Kubernetes sidecar manifest, the systemd unit, docker-compose, the
 * Dockerfile and Grafana provisioning. Every collector config they carry is checked
 * with the real config loader and factories, and the numbers that must agree across
 * files (ports, probe paths, drain time vs. grace period, mounted paths) are compared.
 * (Grafana's panel SQL runs against chDB in test/integration/deploy-grafana-dashboard.test.ts.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import YAML from 'yaml';
import { parseConfig, type CollectorConfig } from '../../collector/config/config';
import { defaultFactories } from '../../collector/components';
import { parseDuration, parseSize } from '../../collector/config/units';
import type { ClickHouseExporterConfig } from '../../collector/exporters/clickhouse/config';
import type { OtlpReceiverConfig } from '../../collector/receivers/otlp/config';
import { AdminServer } from '../../collector/service/admin-server';
import { Metrics } from '../../collector/telemetry/metrics';

const DEPLOY = path.join(__dirname, '../../deploy');
const read = (rel: string): string => fs.readFileSync(path.join(DEPLOY, rel), 'utf8');

type Obj = Record<string, any>;

function exporterConfig(cfg: CollectorConfig): ClickHouseExporterConfig {
  const c = cfg.exporters.get('clickhouse');
  expect(c).toBeDefined();
  return c!.config as ClickHouseExporterConfig;
}

function otlpConfig(cfg: CollectorConfig): OtlpReceiverConfig {
  const c = cfg.receivers.get('otlp');
  expect(c).toBeDefined();
  return c!.config as OtlpReceiverConfig;
}

function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
}

/** Kubernetes quantity ("512Mi", "1G", "1") in bytes. */
function quantityBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) throw new Error(`bad quantity ${q}`);
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (m[2] ? units[m[2]] : 1);
}

/** `${env:NAME}` / `${NAME}` / `${NAME:-x}` names referenced by a config text (default-less ones must be set). */
function referencedEnv(text: string): { required: string[]; optional: string[] } {
  const required: string[] = [];
  const optional: string[] = [];
  for (const m of text.matchAll(/\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)) (m[2] ? optional : required).push(m[1]);
  return { required, optional };
}

describe('Kubernetes sidecar manifest', () => {
  const docs = YAML.parseAllDocuments(read('kubernetes/logfun-sidecar.yaml'));
  for (const d of docs) expect(d.errors).toEqual([]);
  const objects = docs.map((d) => d.toJS() as Obj).filter(Boolean);
  const find = (kind: string): Obj => {
    const found = objects.filter((o) => o.kind === kind);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const secret = find('Secret');
  const configMap = find('ConfigMap');
  const deployment = find('Deployment');
  const pod = deployment.spec.template.spec;
  const sidecar = (pod.initContainers as Obj[]).find((c) => c.name === 'logfun-collector')!;
  const app = (pod.containers as Obj[])[0];

  /** The sidecar's environment as the kubelet would set it (secretKeyRef read from the Secret). */
  function sidecarEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const e of sidecar.env as Obj[]) {
      if (e.value !== undefined) env[e.name] = String(e.value);
      else if (e.valueFrom?.secretKeyRef) {
        const ref = e.valueFrom.secretKeyRef;
        expect(ref.name).toBe(secret.metadata.name);
        expect(secret.stringData).toHaveProperty(ref.key);
        env[e.name] = secret.stringData[ref.key];
      }
    }
    return env;
  }

  function collectorYaml(): string {
    const args: string[] = sidecar.args;
    const configPath = args[args.indexOf('--config') + 1];
    expect(args[0]).toBe('collector');
    const mount = (sidecar.volumeMounts as Obj[]).find((m) => configPath.startsWith(m.mountPath + '/'))!;
    expect(mount).toBeDefined();
    const volume = (pod.volumes as Obj[]).find((v) => v.name === mount.name)!;
    expect(volume.configMap.name).toBe(configMap.metadata.name);
    const fileName = configPath.slice(mount.mountPath.length + 1);
    const item = (volume.configMap.items as Obj[] | undefined)?.find((i) => i.path === fileName);
    const key = item ? item.key : fileName;
    expect(typeof configMap.data[key]).toBe('string');
    return configMap.data[key];
  }

  test('the collector runs as a native sidecar with the config from the ConfigMap', () => {
    expect(sidecar).toBeDefined();
    expect(sidecar.restartPolicy).toBe('Always');
    expect(sidecar.image).toBeTruthy();
    expect(collectorYaml()).toContain('receivers:');
  });

  test('the embedded collector config is valid and every variable it uses is set in the sidecar', () => {
    const text = collectorYaml();
    const env = sidecarEnv();
    for (const name of referencedEnv(text).required) expect(Object.keys(env)).toContain(name);
    const cfg = parseConfig(text, defaultFactories(), 'configmap collector.yaml', env);
    expect([...cfg.pipelines.keys()]).toEqual(['logs']);
    const ch = exporterConfig(cfg);
    expect(ch.endpoint).toBe(env.CLICKHOUSE_URL);
    expect(ch.endpoint).toMatch(/^https?:\/\//);
    expect(ch.username).toBe(secret.stringData.username);
    expect(ch.password).toBe(secret.stringData.password);
  });

  test('passwords with YAML-special characters survive the substitution', () => {
    const password = 'p@ss: w#rd "x" \\ {y} [z] & *q';
    const cfg = parseConfig(collectorYaml(), defaultFactories(), 'configmap collector.yaml', { ...sidecarEnv(), CLICKHOUSE_PASSWORD: password });
    expect(exporterConfig(cfg).password).toBe(password);
  });

  test('OTLP listens in the pod only, where the app sends', () => {
    const cfg = parseConfig(collectorYaml(), defaultFactories(), 'configmap collector.yaml', sidecarEnv());
    const grpc = otlpConfig(cfg).protocols.grpc!;
    expect(grpc.endpoint).toBe('127.0.0.1:4317');
    expect(otlpConfig(cfg).protocols.http?.endpoint).toMatch(/^127\.0\.0\.1:/);
    const appEnv = Object.fromEntries((app.env as Obj[]).map((e) => [e.name, e.value]));
    const url = new URL(appEnv.OTEL_EXPORTER_OTLP_ENDPOINT);
    expect(url.hostname).toBe('localhost');
    expect(Number(url.port)).toBe(portOf(grpc.endpoint));
    expect(appEnv.OTEL_SERVICE_NAME).toBeTruthy();
  });

  test('probes: /healthz for startup and liveness, /readyz for readiness, on the port the admin endpoint binds on all interfaces', () => {
    const cfg = parseConfig(collectorYaml(), defaultFactories(), 'configmap collector.yaml', sidecarEnv());
    const admin = cfg.telemetry.admin.endpoint;
    // The admin server's default (127.0.0.1) would refuse the kubelet, which probes the pod IP.
    expect(admin).toBe('0.0.0.0:13133');
    const ports = new Map((sidecar.ports as Obj[]).map((p) => [p.name, p.containerPort]));
    const expected: Record<string, string> = { startupProbe: '/healthz', readinessProbe: '/readyz', livenessProbe: '/healthz' };
    for (const [probe, probePath] of Object.entries(expected)) {
      const get = sidecar[probe]?.httpGet;
      expect(get).toBeDefined();
      expect(get.path).toBe(probePath);
      const port = typeof get.port === 'number' ? get.port : ports.get(get.port);
      expect(port).toBe(portOf(admin));
    }
  });

  test("the probe paths are served by the collector's admin server (503 while not running, 200 when running)", async () => {
    const server = new AdminServer(new Metrics());
    await server.listen('127.0.0.1:0');
    try {
      const paths = ['startupProbe', 'readinessProbe', 'livenessProbe'].map((p) => sidecar[p].httpGet.path as string);
      for (const p of paths) expect((await fetch(`http://127.0.0.1:${server.port}${p}`)).status).toBe(503);
      server.healthy = true;
      for (const p of paths) expect((await fetch(`http://127.0.0.1:${server.port}${p}`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  test('the pipeline keeps the default processors (templates for OTLP senders, control for senders other than our SDK)', () => {
    const cfg = parseConfig(collectorYaml(), defaultFactories(), 'configmap collector.yaml', sidecarEnv());
    expect(cfg.pipelines.get('logs')?.processors).toEqual(['template', 'control']);
  });

  test('termination leaves time for the drain, and liveness never cuts it short', () => {
    const cfg = parseConfig(collectorYaml(), defaultFactories(), 'configmap collector.yaml', sidecarEnv());
    const drainMs = parseDuration(exporterConfig(cfg).shutdown_timeout);
    expect(drainMs).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(drainMs + 20_000);
    const live = sidecar.livenessProbe;
    expect(live.periodSeconds * live.failureThreshold * 1000).toBeGreaterThan(drainMs);
  });

  test('both containers have resource limits, and the exporter queue fits in the sidecar memory', () => {
    for (const c of [sidecar, app]) {
      expect(c.resources.limits.memory).toBeTruthy();
      expect(c.resources.limits.cpu).toBeTruthy();
      expect(c.resources.requests.memory).toBeTruthy();
    }
    const cfg = parseConfig(collectorYaml(), defaultFactories(), 'configmap collector.yaml', sidecarEnv());
    const queueBytes = parseSize(exporterConfig(cfg).queue.max_bytes);
    expect(queueBytes).toBeGreaterThan(0);
    expect(quantityBytes(sidecar.resources.limits.memory)).toBeGreaterThanOrEqual(4 * queueBytes);
    const heap = /--max-old-space-size=(\d+)/.exec(sidecarEnv().NODE_OPTIONS ?? '');
    expect(heap).not.toBeNull();
    expect(Number(heap![1]) * 2 ** 20).toBeLessThan(quantityBytes(sidecar.resources.limits.memory));
  });

  test('the sidecar runs as a non-root user with a read-only root filesystem and a writable working directory', () => {
    expect(sidecar.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(sidecar.securityContext.runAsUser).toBeGreaterThan(0);
    const data = (sidecar.volumeMounts as Obj[]).find((m) => m.mountPath === '/var/lib/logfun');
    expect(data).toBeDefined();
    expect((pod.volumes as Obj[]).find((v) => v.name === data!.name)?.emptyDir).toBeDefined();
    // The Dockerfile's working directory is the one mounted writable here.
    expect(read('docker/Dockerfile')).toMatch(/^WORKDIR \/var\/lib\/logfun$/m);
  });

  test('the Deployment selector matches its pod labels', () => {
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
  });
});

/** systemd unit files: sections of `Key=value` lines (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1], current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 0) throw new Error(`unit: unexpected line "${line}"`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}

/** systemd time span ("45s", "1min 30s", "2m", bare seconds) in ms. */
function systemdSpanMs(v: string): number {
  let ms = 0;
  const units: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };
  for (const part of v.split(/\s+/)) {
    const m = /^(\d+)(ms|s|sec|m|min|h)?$/.exec(part);
    if (!m) throw new Error(`bad time span ${v}`);
    ms += Number(m[1]) * units[m[2] ?? 's'];
  }
  return ms;
}

describe('systemd unit', () => {
  const unit = parseUnit(read('systemd/logfun-collector.service'));
  const service = unit.get('Service')!;
  const one = (key: string): string | undefined => service.get(key)?.at(-1);

  test('runs the collector with the config in /etc/logfun, restarts on failure, stops on SIGTERM', () => {
    expect(one('Type')).toBe('simple');
    expect(one('ExecStart')).toBe('/usr/bin/env logfun collector --config /etc/logfun/collector.yaml');
    expect(one('Restart')).toBe('on-failure');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
    expect(one('User')).toBe('logfun');
  });

  test('is hardened: read-only system, writable data directory only', () => {
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    // V8 compiles code at run time: this option would kill the process.
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
    expect(one('ReadWritePaths')?.split(/\s+/)).toContain('/var/lib/logfun');
    expect(one('WorkingDirectory')).toBe('/var/lib/logfun');
    expect(one('StateDirectory')).toBe('logfun');
  });

  describe('with the example /etc/logfun/collector.yaml', () => {
    const text = read('systemd/collector.yaml');

    test('needs no environment (embedded store under the data directory) and is valid', () => {
      expect(referencedEnv(text).required).toEqual([]);
      const cfg = parseConfig(text, defaultFactories(), 'systemd/collector.yaml', {});
      const endpoint = exporterConfig(cfg).endpoint;
      expect(endpoint.startsWith('chdb://')).toBe(true);
      const folder = endpoint.slice('chdb://'.length);
      expect(path.isAbsolute(folder)).toBe(true);
      const writable = one('ReadWritePaths')!.split(/\s+/);
      expect(writable.some((dir) => folder === dir || folder.startsWith(dir + '/'))).toBe(true);
      expect(cfg.telemetry.admin.endpoint).toBe('127.0.0.1:13133');
      expect(otlpConfig(cfg).protocols.grpc?.endpoint).toBe('127.0.0.1:4317');
    });

    test('takes a server and credentials from collector.env', () => {
      const env = { CLICKHOUSE_URL: 'http://ch.internal:8123', CLICKHOUSE_USER: 'writer', CLICKHOUSE_PASSWORD: "s3cr#t: \"x\"" };
      const ch = exporterConfig(parseConfig(text, defaultFactories(), 'systemd/collector.yaml', env));
      expect(ch).toMatchObject({ endpoint: env.CLICKHOUSE_URL, username: 'writer', password: env.CLICKHOUSE_PASSWORD });
    });

    test('TimeoutStopSec leaves time for the exporter to drain', () => {
      const ch = exporterConfig(parseConfig(text, defaultFactories(), 'systemd/collector.yaml', {}));
      expect(systemdSpanMs(one('TimeoutStopSec')!)).toBeGreaterThanOrEqual(parseDuration(ch.shutdown_timeout) + 10_000);
    });
  });
});

describe('docker-compose', () => {
  const dir = path.join(DEPLOY, 'docker-compose');
  const compose = YAML.parse(read('docker-compose/docker-compose.yaml'), { merge: true }) as Obj;
  const services = compose.services as Obj;

  test('has clickhouse, collector and grafana, and every mounted file exists', () => {
    expect(Object.keys(services).sort()).toEqual(['app', 'clickhouse', 'collector', 'grafana']);
    for (const svc of Object.values(services)) {
      for (const v of (svc.volumes ?? []) as string[]) {
        const source = v.split(':')[0];
        if (!source.startsWith('.')) continue; // a named volume
        expect(fs.existsSync(path.resolve(dir, source))).toBe(true);
      }
    }
    const build = services.collector.build;
    expect(fs.existsSync(path.resolve(dir, build.context, build.dockerfile))).toBe(true);
    expect(fs.existsSync(path.resolve(dir, build.context, 'package.json'))).toBe(true);
  });

  test("the collector's config is valid with the compose environment and points at the clickhouse service", () => {
    const collector = services.collector;
    const args: string[] = collector.command;
    const target = args[args.indexOf('--config') + 1];
    const mount = (collector.volumes as string[]).find((v) => v.split(':')[1] === target)!;
    expect(mount).toBeDefined();
    const text = fs.readFileSync(path.resolve(dir, mount.split(':')[0]), 'utf8');
    // Compose interpolates ${VAR:-default} itself; take the defaults.
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(collector.environment as Obj)) env[k] = String(v).replace(/^\$\{[A-Z_]+:-(.*)\}$/, '$1');
    const cfg = parseConfig(text, defaultFactories(), 'docker-compose/collector.yaml', env);
    const url = new URL(exporterConfig(cfg).endpoint);
    expect(Object.keys(services)).toContain(url.hostname);
    const published = (collector.ports as string[]).map((p) => Number(p.split(':').at(-1)));
    expect(published).toEqual(expect.arrayContaining([portOf(otlpConfig(cfg).protocols.grpc!.endpoint), portOf(cfg.telemetry.admin.endpoint)]));
    expect(parseDuration(collector.stop_grace_period)).toBeGreaterThan(parseDuration(exporterConfig(cfg).shutdown_timeout));
  });

  test('the app runs the demo script from the collector image and sends to the collector service on its OTLP/gRPC port', () => {
    const app = services.app;
    expect(app.image).toBe(services.collector.image);
    const script = (app.volumes as string[]).find((v) => v.split(':')[1] === app.entrypoint[1])!;
    expect(script).toBeDefined();
    const scriptPath = path.resolve(dir, script.split(':')[0]);
    // Syntax check with the real Node, and the SDK it loads is the image's package (/app = package.json main).
    execFileSync(process.execPath, ['--check', scriptPath]);
    expect(fs.readFileSync(scriptPath, 'utf8')).toContain("require(process.env.LOGFUN_SDK || '/app')");
    const collector = services.collector;
    const target = collector.command[collector.command.indexOf('--config') + 1];
    const mount = (collector.volumes as string[]).find((v) => v.split(':')[1] === target)!;
    const cfg = parseConfig(fs.readFileSync(path.resolve(dir, mount.split(':')[0]), 'utf8'), defaultFactories(), 'docker-compose/collector.yaml', {
      CLICKHOUSE_URL: 'http://clickhouse:8123',
      CLICKHOUSE_USER: 'u',
      CLICKHOUSE_PASSWORD: 'p',
    });
    const url = new URL(app.environment.OTEL_EXPORTER_OTLP_ENDPOINT);
    expect(url.hostname).toBe('collector');
    expect(Number(url.port)).toBe(portOf(otlpConfig(cfg).protocols.grpc!.endpoint));
    expect(app.depends_on.collector.condition).toBe('service_healthy');
    // The dashboards' tables are written by these processors.
    expect(cfg.pipelines.get('logs')?.processors).toEqual(['template', 'httpstats', 'control', 'spam']);
  });

  test('grafana gets the plugin, the provisioning folders and the dashboards where the provider looks', () => {
    const grafana = services.grafana;
    expect(grafana.environment.GF_INSTALL_PLUGINS).toContain('grafana-clickhouse-datasource');
    const mounts = new Map((grafana.volumes as string[]).map((v) => [v.split(':')[1], v.split(':')[0]]));
    expect(path.resolve(dir, mounts.get('/etc/grafana/provisioning/datasources')!)).toBe(path.join(DEPLOY, 'grafana/provisioning/datasources'));
    expect(path.resolve(dir, mounts.get('/etc/grafana/provisioning/dashboards')!)).toBe(path.join(DEPLOY, 'grafana/provisioning/dashboards'));
    const provider = (YAML.parse(read('grafana/provisioning/dashboards/logfun.yaml')) as Obj).providers[0];
    expect(path.resolve(dir, mounts.get(provider.options.path)!)).toBe(path.join(DEPLOY, 'grafana/dashboards'));
    // The data source file reads the credentials from Grafana's environment.
    const ds = YAML.parse(read('grafana/provisioning/datasources/logfun-clickhouse.yaml'));
    const names = [...JSON.stringify(ds).matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]);
    expect(names.sort()).toEqual(['GRAFANA_CLICKHOUSE_PASSWORD', 'GRAFANA_CLICKHOUSE_USER']);
    for (const name of names) expect(grafana.environment).toHaveProperty(name);
  });
});

describe('Dockerfile', () => {
  const text = read('docker/Dockerfile');

  test('builds on node:20-slim, compiles in a build stage and installs production dependencies only', () => {
    const froms = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f).toBe('node:20-slim');
    expect(text).toMatch(/^RUN npm run build$/m);
    expect(text).toMatch(/^RUN npm install --omit=dev /m);
    // npm ci rejects this lock file (chdb's optional platform packages for other platforms are missing).
    expect(text).not.toMatch(/^RUN npm ci\b/m);
    expect(text).toMatch(/^COPY --from=build \/src\/dist \.\/dist$/m);
    // The OTLP/logfun protos are loaded at run time.
    expect(text).toMatch(/^COPY proto \.\/proto$/m);
    expect(text).toMatch(/^USER \d+/m);
  });

  test('its entry point is the compiled CLI, and what it copies exists', () => {
    const root = path.join(DEPLOY, '..');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(text).toContain(`"/app/${pkg.bin.logfun}"`);
    // every option the entry point gives node is one this node accepts
    const entry = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(text)![1]) as string[];
    expect(entry[0]).toBe('node');
    const flags = entry.slice(1).filter((a) => a.startsWith('--'));
    expect(execFileSync(process.execPath, [...flags, '-e', 'process.stdout.write("ok")']).toString()).toBe('ok');
    for (const m of text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const src of m[1].split(/\s+/)) if (src !== '.') expect(fs.existsSync(path.join(root, src))).toBe(true);
    }
  });
});

describe('Grafana provisioning', () => {
  const datasources = (YAML.parse(read('grafana/provisioning/datasources/logfun-clickhouse.yaml')) as Obj).datasources as Obj[];
  const dashboard = JSON.parse(read('grafana/dashboards/logfun-logs-overview.json')) as Obj;

  test('the data source is the ClickHouse plugin in OTel mode on otel.otel_logs', () => {
    expect(datasources).toHaveLength(1);
    const ds = datasources[0];
    expect(ds.type).toBe('grafana-clickhouse-datasource');
    expect(ds.jsonData).toMatchObject({ host: expect.any(String), port: 8123, protocol: 'http', defaultDatabase: 'otel' });
    expect(ds.jsonData.logs).toEqual({ defaultDatabase: 'otel', defaultTable: 'otel_logs', otelEnabled: true, otelVersion: 'latest' });
    expect(ds.secureJsonData.password).toBeDefined();
  });

  const dashboardFiles = fs.readdirSync(path.join(DEPLOY, 'grafana/dashboards')).filter((f) => f.endsWith('.json')).sort();

  test('the logs overview has its four panels', () => {
    expect(dashboard.title).toBe('logfun — logs overview');
    expect((dashboard.panels as Obj[]).map((p) => p.type).sort()).toEqual(['logs', 'table', 'timeseries', 'timeseries']);
  });

  test.each(dashboardFiles)('%s: every panel and query variable uses the provisioned data source; ids and uid unique', (file) => {
    const d = JSON.parse(read(`grafana/dashboards/${file}`)) as Obj;
    const uid = datasources[0].uid;
    expect(d.uid).toMatch(/^logfun-/);
    const panels = d.panels as Obj[];
    expect(panels.length).toBeGreaterThan(0);
    for (const p of panels) {
      expect(p.datasource).toEqual({ type: 'grafana-clickhouse-datasource', uid });
      for (const t of p.targets as Obj[]) {
        expect(t.datasource.uid).toBe(uid);
        expect(t.editorType).toBe('sql');
        // 0 = time series, 1 = table, 2 = logs (the plugin's query formats).
        expect(t.format).toBe({ timeseries: 0, table: 1, logs: 2 }[p.type as string]);
      }
    }
    for (const v of (d.templating.list as Obj[]).filter((x) => x.type === 'query')) expect(v.datasource.uid).toBe(uid);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });

  test('dashboard uids are unique', () => {
    const uids = dashboardFiles.map((f) => (JSON.parse(read(`grafana/dashboards/${f}`)) as Obj).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });
});
