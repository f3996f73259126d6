/**
 * A minimal OpenTelemetry context manager on AsyncLocalStorage, for `logfun demo`
 * only: the demo has no tracing SDK, but its simulated requests run inside a span
 * context so the logfun SDK stamps their records with trace and span ids (the
 * SDK reads them from the active OTel context, sdk/pipeline.ts) and the console's
 * trace columns have data. A real service gets this from its tracing setup
 * (@opentelemetry/sdk-trace-node registers the same kind of manager).
 */
import { AsyncLocalStorage } from 'async_hooks';
import { randomBytes } from 'crypto';
import { context, ROOT_CONTEXT, trace, TraceFlags, type Context, type ContextManager } from '@opentelemetry/api';

class AsyncLocalContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(ctx, () => fn.apply(this, args));
    } as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}

/** Registers the manager as OTel's global one; returns the function that unregisters it. */
export function enableDemoTraceContext(): () => void {
  const registered = context.setGlobalContextManager(new AsyncLocalContextManager());
  return registered ? () => context.disable() : () => undefined;
}

/** Runs `fn` inside a new sampled span context (fresh trace and span ids), as a traced request would. */
export function inNewSpan<T>(fn: () => T): T {
  const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED });
  return context.with(ctx, fn);
}
