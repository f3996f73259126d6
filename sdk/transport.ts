/**
 * The transport contract: how the pipeline hands batches of buffered records
 * to a destination (OTLP/gRPC, console, memory; later the compact logfun/v1
 * stream). The call-site API never sees transports.
 *
 * A batch is a view over records that stay in the buffer until `export`
 * resolves: the transport reads them (see record-view.ts), encodes them, and
 * resolves once the receiver accepted them. On failure it rejects with an
 * ExportError saying whether retrying can help; the pipeline then keeps the
 * records (retryable: resent after a backoff, at-least-once) or drops and
 * counts them (permanent).
 */
import type { BufferWindow, RecordBuffer } from './record-buffer';
import type { Resource } from './resource';
import type { TemplateRegistry } from './templates';
import { NO_MUTED_COUNTS, type MutedCount } from './mute-counts';

export class ExportBatch {
  /** Transports may cache their encoding here: a retried batch is the same object. */
  encoded: unknown = undefined;
  /**
   * Records muted at the call site since the previous batch (mute-counts.ts), set by
   * the pipeline when the batch is made; sent by transports that carry them
   * (Transport.carriesMutedCounts). A batch may have counts and no records.
   */
  mutedCounts: readonly MutedCount[] = NO_MUTED_COUNTS;

  constructor(
    readonly buffer: RecordBuffer,
    readonly window: BufferWindow,
    /** 1, 2, ... per batch (not per attempt); the compact protocol acks by it. */
    readonly sequence: number,
    /** Records the SDK dropped since the previous batch (buffer full, rejected). */
    readonly droppedSinceLast: number,
    readonly resource: Resource,
  ) {}

  get length(): number {
    return this.window.count;
  }

  /** Buffer slot of the batch's i-th record. */
  slot(i: number): number {
    return this.buffer.slotOf(this.window.firstSeq + i);
  }
}

export interface ExportResult {
  /** Records the receiver refused permanently (OTLP partial success); counted as dropped. */
  rejected: number;
  message?: string;
}

export class ExportError extends Error {
  constructor(
    message: string,
    /** True when the same batch may succeed later (unavailable, overloaded, timeout). */
    readonly retryable: boolean,
    /** Protocol status (gRPC code name) when known. */
    readonly code?: string,
    /** Server-suggested delay before retrying. */
    readonly retryAfterMs?: number,
    /**
     * The request was refused for its size: the pipeline splits the batch and
     * resends the halves; a single record that is too large is dropped and counted.
     */
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

/** Batching preferences a transport suggests; explicit options win. */
export interface TransportBatchDefaults {
  maxRecords?: number;
  maxBytes?: number;
  delayMs?: number;
}

/** What a transport may learn about the logger it serves (see Transport.attach). */
export interface TransportContext {
  readonly resource: Resource;
  /** The registry the logger's templates live in (control rules mute templates there). */
  readonly templates: TemplateRegistry;
  /** Where the transport reports its own problems. */
  readonly diagnostics: (message: string) => void;
  /**
   * Optional: hands the logger a decider its records are checked against one by
   * one (undefined: none). Control rules mute sites through flags on the shared
   * templates (wire/compact-control.ts); when loggers with different rules (two
   * services in one process) share a template registry, a flag cannot say
   * "muted for this logger only", so the transport's rules decide its records here.
   */
  readonly setRecordMutes?: (decider: RecordMuteDecider | undefined) => void;
}

/** Decides whether a record of a logger is muted (wire/compact-control.ts SiteRules). */
export interface RecordMuteDecider {
  /** MUTE_REASON (mute-counts.ts) of a site logged with code.function `fn` and template `templateId`; 0 = not muted. */
  muteReason(fn: string, templateId: bigint): number;
}

export interface Transport {
  readonly name: string;
  /** Suggested batching (e.g. the console prints almost at once). */
  readonly batchDefaults?: TransportBatchDefaults;
  /** Sends one batch; resolves when accepted, rejects with ExportError (other errors count as retryable). */
  export(batch: ExportBatch): Promise<ExportResult | void>;
  /**
   * Releases connections; called once, after the last export the pipeline waits for
   * (an export still running then belongs to records already counted as dropped).
   * The pipeline keeps the process alive while this runs and stops waiting after
   * TRANSPORT_CLOSE_TIMEOUT_MS (pipeline.ts), so handles left open must be unref'd.
   */
  shutdown(): Promise<void>;
  /** Optional: called once by createLogger before the first export (e.g. to connect early). */
  attach?(context: TransportContext): void;
  /**
   * Optional: true when the transport sends ExportBatch.mutedCounts to its receiver
   * (the compact protocol); the pipeline then also sends batches with no records
   * when only muted counts are pending. May change over time (AutoTransport).
   */
  readonly carriesMutedCounts?: boolean;
}
