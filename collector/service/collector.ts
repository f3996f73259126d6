/**
 * A running collector: the pipeline graph from a config, plus the admin endpoint.
 * Embeddable (tests, `logfun demo`) and used by `logfun collector`.
 */
import * as path from 'path';
import { parseConfig, loadConfigFile, type CollectorConfig } from '../config/config';
import { DEFAULT_CONFIG_YAML } from '../config/default';
import type { DiagLogger, Host } from '../pipeline/component';
import { Metrics } from '../telemetry/metrics';
import { createDiagLogger } from '../telemetry/diag';
import { defaultFactories } from '../components';
import { PipelineGraph } from './graph';
import { AdminServer, adminTlsOf } from './admin-server';
import { createSqlHandler, firstClickHouseExporter, lazyReader, readLimitsOf, type LazyReader } from './sql-handler';
import { TemplateDictionary } from '../templates/dictionary';
import type { ControlPlane } from '../control/store';
import { controlPlaneFromConfig, controlTokenOf } from '../control/setup';
import { mountControlApi } from '../control/api';
import { mountConsole, consoleTokenOf, type MountedConsole } from '../console/mount';
import { LiveTailHub, tapStoreExporter } from '../tail/hub';
import { defaultTokenFile, loadOrCreateTokenFile, readAdminUrlFile, removeAdminUrlFile, writeAdminUrlFile } from '../console/auth';
import { chdbFolderOf } from '../storage/clickhouse-client';
import { chdbEndpointsOf } from '../config/store-paths';
import { adminMayAnswer, explainStartError, StoreFolderClaim, assertPortsFree } from './start-conflicts';

export interface CollectorOptions {
  /** A config file path; ignored when `yaml` or `config` is given. */
  configFile?: string;
  /** Config as YAML text. */
  yaml?: string;
  /** An already resolved config. */
  config?: CollectorConfig;
  logger?: DiagLogger;
  metrics?: Metrics;
}

export class Collector {
  readonly metrics: Metrics;
  readonly logger: DiagLogger;
  readonly config: CollectorConfig;
  readonly graph: PipelineGraph;
  readonly admin: AdminServer;
  readonly startedAt = new Date();
  /** The collector-wide template dictionary, bounded by service.templates (templates/limits.ts). */
  readonly templates: TemplateDictionary;
  /** The live tail's source: records the pipelines delivered to the store's exporter (collector/tail). */
  readonly liveTail: LiveTailHub;
  /** The read-only reader of the store shared by the SQL API and the console (opened at the first read). */
  private reader: LazyReader | undefined;
  /** The web console on the admin endpoint (collector/console), mounted by start(). */
  console: MountedConsole | undefined;
  /** The control plane (rules + /api/v1/rules), set by start() when service.control is enabled. */
  control: ControlPlane | undefined;
  private running = false;
  /** This process's claim on its embedded store folder (start-conflicts.ts). */
  private storeClaim: StoreFolderClaim | undefined;
  /** The admin token in force (configured, or made and kept in `adminTokenFile`); set by start(). */
  adminToken = '';
  /** Where a made admin token is kept; undefined when the token is configured. */
  adminTokenFile: string | undefined;
  /** The token was made by this start (the CLI prints it once). */
  adminTokenCreated = false;
  /** The admin URL recorded beside the token file for the CLI (collector/cli/admin-token.ts). */
  private recordedAdminUrl: string | undefined;

  constructor(options: CollectorOptions = {}) {
    this.metrics = options.metrics ?? new Metrics();
    const factories = defaultFactories();
    this.config =
      options.config ??
      (options.yaml !== undefined
        ? parseConfig(options.yaml, factories, 'inline config')
        : options.configFile
          ? loadConfigFile(options.configFile, factories)
          : parseConfig(DEFAULT_CONFIG_YAML, factories, 'default config'));
    this.logger = options.logger ?? createDiagLogger({ level: this.config.telemetry.logs.level });
    this.templates = new TemplateDictionary(this.config.templates, this.metrics);
    this.liveTail = new LiveTailHub({ metrics: this.metrics });
    this.graph = new PipelineGraph(this.config, this.metrics, this.logger, { wrapExporter: tapStoreExporter(this.config, this.liveTail) });
    this.admin = new AdminServer(this.metrics);
    this.admin.readiness.watch(this.graph.components);
  }

  async start(): Promise<void> {
    try {
      await this.startParts();
    } catch (e) {
      this.storeClaim?.release();
      this.storeClaim = undefined;
      throw explainStartError(e);
    }
  }

  private async startParts(): Promise<void> {
    // Before anything is made (store folder, token file): a taken port stops the start here.
    await assertPortsFree(this.listenEndpoints());
    // Before anything opens the store: a second collector on the folder stops here, saying where the first one is.
    const embedded = chdbEndpointsOf(this.config)[0];
    if (embedded) this.storeClaim = await StoreFolderClaim.claim(chdbFolderOf(embedded.endpoint));
    const adminEndpoint = this.config.telemetry.admin.endpoint;
    if (adminEndpoint) this.resolveAdminToken();
    // Started before the pipeline so processors see the rules from their first record.
    this.control = controlPlaneFromConfig(this.config, this.metrics, this.logger);
    if (this.control) {
      await this.control.start();
      const controlToken = controlTokenOf(this.config);
      mountControlApi(this.admin, this.control, { token: controlToken });
    }
    const host: Host = { metrics: this.metrics, logger: this.logger, components: this.graph.components, templates: this.templates, control: this.control };
    try {
      if (adminEndpoint) await this.admin.listen(adminEndpoint, adminTlsOf(this.config));
      this.storeClaim?.setAdmin(this.admin.boundUrl);
      await this.graph.start(host);
    } catch (e) {
      await this.admin.close();
      await this.control?.shutdown();
      throw e;
    }
    const store = firstClickHouseExporter(this.config);
    if (adminEndpoint && store) {
      this.reader = lazyReader(store, readLimitsOf(this.config));
      if (this.config.telemetry.admin.sql_api) this.admin.sqlHandler = createSqlHandler(this.reader);
    }
    if (adminEndpoint) {
      this.console = await mountConsole(this.admin, {
        token: this.adminToken,
        tokenFile: this.adminTokenFile,
        reader: this.reader,
        metrics: this.metrics,
        logger: this.logger,
        templates: this.templates,
        control: this.control,
        startedAt: this.startedAt,
        config: this.config,
        components: this.graph.components,
        liveTail: this.liveTail,
      });
    }
    this.admin.healthy = true;
    this.running = true;
    await this.recordAdminUrl();
    this.logger.info('collector started', {
      pipelines: [...this.config.pipelines.keys()],
      admin: adminEndpoint ? this.admin.boundUrl : null,
      ...(this.adminTokenFile ? { adminTokenFile: this.adminTokenFile } : {}),
    });
  }

  /** The "host:port" endpoints this collector will listen on: the admin endpoint and those of the receivers its pipelines use. */
  private listenEndpoints(): string[] {
    const used = new Set([...this.config.pipelines.values()].flatMap((p) => p.receivers));
    const receivers = [...used].flatMap((id) => {
      const r = this.config.receivers.get(id);
      return r?.factory.listenEndpoints?.(r.config) ?? [];
    });
    const admin = this.config.telemetry.admin.endpoint;
    return admin ? [admin, ...receivers] : receivers;
  }

  /**
   * Where `logfun sql/tail/control` in this folder find this collector (and send its
   * token only there): its admin URL beside the token file. Another collector's
   * record that still answers (a demo running in the same folder) is left as it is,
   * so this one neither takes it over nor removes it at stop; a stale one (its
   * collector gone) is replaced. `recordedAdminUrl` is set only when this one wrote
   * the record, and shutdown removes only that (and only while it still names this one).
   */
  private async recordAdminUrl(): Promise<void> {
    const tokenFile = this.adminTokenFile;
    const url = this.admin.boundUrl?.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
    if (!tokenFile || !url) return;
    const other = readAdminUrlFile(tokenFile);
    if (other !== undefined && other !== url && URL.canParse(other) && (await adminMayAnswer(other))) {
      this.logger.warn('another collector is recorded in this folder; its record is kept (the CLI here talks to it: use --admin for this one)', { recorded: other, admin: url });
      return;
    }
    if (writeAdminUrlFile(tokenFile, url)) this.recordedAdminUrl = url;
  }

  /**
   * The admin endpoint always has a token: the configured one, else the one kept in
   * the token file (made now when there is none; see console/auth.ts).
   */
  private resolveAdminToken(): void {
    const admin = this.config.telemetry.admin;
    this.admin.allowedHosts = admin.allowed_hosts;
    const configured = consoleTokenOf(this.config);
    if (configured) {
      this.adminToken = configured;
    } else {
      this.adminTokenFile = admin.console_token_file ? path.resolve(admin.console_token_file) : defaultTokenFile();
      const { token, created } = loadOrCreateTokenFile(this.adminTokenFile);
      this.adminToken = token;
      this.adminTokenCreated = created;
    }
    this.admin.adminToken = this.adminToken;
  }

  /** Stops receivers first, drains processors and exporters. Safe to call twice. */
  async shutdown(): Promise<void> {
    this.admin.healthy = false;
    if (!this.running) {
      await this.admin.close();
      return;
    }
    this.running = false;
    if (this.adminTokenFile && this.recordedAdminUrl) removeAdminUrlFile(this.adminTokenFile, this.recordedAdminUrl);
    await this.graph.shutdown();
    await this.control?.shutdown();
    await this.reader?.close();
    await this.console?.close();
    await this.admin.close();
    this.storeClaim?.release();
    this.storeClaim = undefined;
    this.logger.info('collector stopped');
  }

  /** A component by key ("receiver:otlp", "exporter:clickhouse", "processor:batch@logs"). */
  component<T>(key: string): T {
    const c = this.graph.components.get(key);
    if (!c) throw new Error(`no component ${key}`);
    return c as unknown as T;
  }
}
