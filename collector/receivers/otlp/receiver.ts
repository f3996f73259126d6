/**
 * The otlp receiver: OTLP/gRPC and/or OTLP/HTTP in front of the next consumer.
 * Senders are acknowledged only after next.consumeLogs resolved; every request
 * and record is counted (see ingest.ts). A bad request never stops the servers.
 */
import type { Component, CreateSettings, Host, LogsConsumer } from '../../pipeline/component';
import type { OtlpReceiverConfig } from './config';
import { OtlpGrpcServer } from './grpc-server';
import { OtlpHttpServer } from './http-server';
import { ReceiverIngest } from './ingest';
import { LogfunIngestService } from './logfun-ingest';

/** How long shutdown waits for in-flight requests before cutting them off. */
const SHUTDOWN_GRACE_MS = 5000;

export class OtlpReceiver implements Component {
  private readonly grpcServer: OtlpGrpcServer | undefined;
  private readonly httpServer: OtlpHttpServer | undefined;
  private readonly compact: LogfunIngestService | undefined;
  private stopping: Promise<void> | undefined;

  constructor(settings: CreateSettings, config: OtlpReceiverConfig, next: LogsConsumer) {
    const ingest = new ReceiverIngest(settings, next);
    const grpc = config.protocols.grpc;
    if (grpc && grpc.logfun_ingest !== false) this.compact = new LogfunIngestService(settings, ingest);
    if (grpc) this.grpcServer = new OtlpGrpcServer(grpc, ingest, this.compact);
    if (config.protocols.http) this.httpServer = new OtlpHttpServer(config.protocols.http, ingest);
  }

  /** Port the gRPC server is bound to (resolved when the endpoint asked for port 0); undefined when disabled or not started. */
  get grpcPort(): number | undefined {
    return this.grpcServer?.port;
  }

  /** Port the HTTP server is bound to; undefined when disabled or not started. */
  get httpPort(): number | undefined {
    return this.httpServer?.port;
  }

  /** The compact protocol service (logfun.v1.Ingest) on the gRPC port; undefined when disabled. */
  get logfunIngest(): LogfunIngestService | undefined {
    return this.compact;
  }

  async start(host: Host): Promise<void> {
    if (this.stopping) throw new Error('otlp receiver: cannot start after shutdown');
    this.compact?.start(host);
    try {
      await this.grpcServer?.start();
      await this.httpServer?.start();
    } catch (err) {
      await this.shutdown();
      throw err;
    }
  }

  shutdown(): Promise<void> {
    this.stopping ??= Promise.all([this.grpcServer?.shutdown(SHUTDOWN_GRACE_MS), this.httpServer?.shutdown(SHUTDOWN_GRACE_MS)]).then(() => undefined);
    return this.stopping;
  }
}
