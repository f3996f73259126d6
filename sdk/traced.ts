/**
 * Function-level scopes: `traced(fn)`, `traced('name', fn)` and the `@traced()`
 * / `@logged()` method decorator run a function inside a named scope, so every
 * record logged through the logfun API while it runs (also after its awaits)
 * carries code.function = the scope name, and control rules can mute the
 * whole function by name (`functionScopes.muteFunction('Checkout.pay')`).
 *
 * How the current scope is tracked (measured, see bench/sdk-cost.ts notes):
 *   - Synchronous functions: a module-level "innermost scope" variable, set on
 *     entry and restored in `finally` (about 3 ns per call, nothing per promise).
 *   - Async functions (native `async`, async generators are not supported): an
 *     AsyncLocalStorage, created at the first async traced call. AsyncLocalStorage
 *     costs ~25 ns per call plus a process-wide promise hook (every promise of
 *     the process gets slower once it is enabled), so sync functions never use it.
 *     A non-async function that returns a promise is switched to the async mode
 *     from its next call on (its first call's continuations run unscoped).
 *   Resolution at a logging call: the innermost synchronous scope, else the
 *   async store (only consulted once an async traced function ran), else none.
 *   Callbacks that a synchronous scope schedules (timers, promise continuations)
 *   run in whatever async scope encloses it, not in the synchronous one.
 *
 * Records made outside every scope keep their call site's code location as
 * before. Inside a scope a record uses a scoped template: the same text, id and
 * arguments, with code.function = the scope name and code.filepath/lineno = the
 * logging call's site (or, for plain messages with no captured site, where
 * traced() was called). Scoped templates are created once per (site, scope).
 *
 * Muting: a muted scope drops every record logged while it is the innermost
 * scope, after one boolean check, before template lookup or argument capture;
 * the logger counts them in stats().muted and, per scope and reason, for the
 * collector (sdk/mute-counts.ts). Muting is by name and may precede
 * the scope's creation. Scopes are interned by name (one FunctionScope per
 * name), so wrapping per call does not grow memory, but names should be static.
 */
import { AsyncLocalStorage } from 'async_hooks';
import * as path from 'path';
import { captureCallSite, type CodeLocation } from './callsite';
import { Template } from './templates';
import { bumpMuteEpoch, MUTE_REASON, type MuteTally } from './mute-counts';

/** Bound on scoped templates kept per scope (dynamic plain messages would grow it forever). */
const MAX_SCOPED_TEMPLATES = 4096;

export class FunctionScope {
  /**
   * Set by control rules (functionScopes.muteFunction). Checked at every
   * logging call made in this scope: a muted function costs one property read.
   */
  muted = false;
  /** Why `muted` is set (MUTE_REASON in mute-counts.ts); read only when a muted call opens a new count. */
  mutedReason: number = MUTE_REASON.LOCAL;
  /** The open count of calls dropped in this scope while muted (mute-counts.ts). */
  muteTally: MuteTally | undefined = undefined;
  private readonly scoped = new Map<Template, Template>();
  private lastBase: Template | undefined;
  private lastScoped: Template | undefined;

  constructor(
    /** code.function of records logged in this scope: a function name or `Class.method`. */
    readonly name: string,
    /** Where the scope was first declared (the traced() call or the decorated class), when captured. */
    readonly location: CodeLocation | undefined,
  ) {}

  /** The template a record made in this scope uses: `base` with code.function = this scope's name. */
  templateFor(base: Template): Template {
    if (base === this.lastBase) return this.lastScoped!;
    let scoped = this.scoped.get(base);
    if (scoped === undefined) {
      if (this.scoped.size >= MAX_SCOPED_TEMPLATES) this.scoped.clear();
      const site = base.site ?? this.location;
      scoped = new Template(
        base.kind,
        base.text,
        base.parts,
        { function: this.name, filepath: site?.filepath ?? '', lineno: site?.lineno ?? 0 },
        base.conversions,
        base.dropsArguments,
      );
      this.scoped.set(base, scoped);
    }
    this.lastBase = base;
    this.lastScoped = scoped;
    return scoped;
  }
}

/**
 * The registry of function scopes, by name: control rules mute and unmute
 * functions here (before or after their scopes exist).
 */
export class FunctionScopes {
  private readonly byName = new Map<string, FunctionScope>();
  /** Muted names and why (MUTE_REASON). */
  private readonly mutedNames = new Map<string, number>();
  private scopeListener: ((scope: FunctionScope) => void) | undefined;

  /** The scope of `name`, created (with `location`) at first use. */
  scope(name: string, location?: () => CodeLocation | undefined): FunctionScope {
    let scope = this.byName.get(name);
    if (scope === undefined) {
      scope = new FunctionScope(name, location?.());
      const reason = this.mutedNames.get(name);
      scope.muted = reason !== undefined;
      if (reason !== undefined) scope.mutedReason = reason;
      this.byName.set(name, scope);
      this.scopeListener?.(scope);
    }
    return scope;
  }

  /**
   * Drops (and counts as muted) every record logged inside functions named `name`,
   * from now on. `reason` (MUTE_REASON) is what the SDK reports with the counts:
   * LOCAL (default) for the application's own mutes, OFF / AUTO for control rules;
   * muting a muted name again only changes the reason.
   */
  muteFunction(name: string, reason: number = MUTE_REASON.LOCAL): void {
    if (this.mutedNames.get(name) === reason) return;
    this.mutedNames.set(name, reason);
    bumpMuteEpoch();
    const scope = this.byName.get(name);
    if (scope !== undefined) {
      scope.mutedReason = reason;
      scope.muted = true;
    }
  }

  unmuteFunction(name: string): void {
    if (!this.mutedNames.delete(name)) return;
    bumpMuteEpoch();
    const scope = this.byName.get(name);
    if (scope !== undefined) {
      scope.muted = false;
      scope.mutedReason = MUTE_REASON.LOCAL;
    }
  }

  /** Why `name` is muted (MUTE_REASON), undefined when it is not. */
  muteReasonOf(name: string): number | undefined {
    return this.mutedNames.get(name);
  }

  isMuted(name: string): boolean {
    return this.mutedNames.has(name);
  }

  /** Names muted now (also names whose scope does not exist yet). */
  mutedFunctions(): string[] {
    return [...this.mutedNames.keys()];
  }

  /** Visits every scope created so far (e.g. to list functions in a control plane). */
  forEachScope(visit: (scope: FunctionScope) => void): void {
    for (const scope of this.byName.values()) visit(scope);
  }

  /** Called with every scope created from now on (one listener; undefined removes it). */
  setScopeListener(listener: ((scope: FunctionScope) => void) | undefined): void {
    this.scopeListener = listener;
  }
}

/** The process-wide registry: scopes belong to code, whichever logger records in them. */
export const functionScopes = new FunctionScopes();

// ---- the current scope ----

/** Innermost scope of the synchronous call stack (undefined inside an async scope's synchronous part). */
let syncScope: FunctionScope | undefined;
/** Created at the first async traced call; until then no async scope can be active. */
let asyncScopes: AsyncLocalStorage<FunctionScope> | undefined;

/** The scope a logging call made now belongs to, or undefined. The logger's hot path. */
export function currentFunctionScope(): FunctionScope | undefined {
  if (syncScope !== undefined) return syncScope;
  return asyncScopes === undefined ? undefined : asyncScopes.getStore();
}

/** Runs `fn` synchronously inside `scope` (for code that is not a wrapped function). */
export function runInFunctionScope<R>(scope: FunctionScope, fn: () => R): R {
  const previous = syncScope;
  syncScope = scope;
  try {
    return fn();
  } finally {
    syncScope = previous;
  }
}

function asyncStorage(): AsyncLocalStorage<FunctionScope> {
  if (asyncScopes === undefined) asyncScopes = new AsyncLocalStorage<FunctionScope>();
  return asyncScopes;
}

// ---- wrapping ----

type AnyFunction = (this: any, ...args: any[]) => any;

function isAsyncFunction(fn: AnyFunction): boolean {
  const kind = fn.constructor?.name;
  return kind === 'AsyncFunction';
}

function isThenable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function locationOfCaller(): CodeLocation | undefined {
  return captureCallSite();
}

/** A location's short form for anonymous scope names: `file.ts:12`. */
function shortLocation(location: CodeLocation | undefined): string {
  return location ? `${path.basename(location.filepath)}:${location.lineno}` : 'unknown';
}

/**
 * Wraps `fn` so it runs inside `resolveScope(this)`'s scope. The wrapper keeps
 * `this`, arguments, return value, thrown errors, name and length.
 */
function wrap<F extends AnyFunction>(fn: F, resolveScope: (self: unknown) => FunctionScope): F {
  let asyncMode = isAsyncFunction(fn);
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const scope = resolveScope(this);
    const previous = syncScope;
    if (asyncMode) {
      syncScope = undefined;
      try {
        return asyncStorage().run(scope, () => fn.apply(this, args));
      } finally {
        syncScope = previous;
      }
    }
    syncScope = scope;
    let result: unknown;
    try {
      result = fn.apply(this, args);
    } finally {
      syncScope = previous;
    }
    // A function returning promises needs async propagation: from its next call on.
    if (isThenable(result)) asyncMode = true;
    return result;
  };
  Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
  return wrapper as unknown as F;
}

/** A TC39 (stage 3) method decorator context, the part used here. */
interface MethodDecoratorContext {
  readonly kind: string;
  readonly name: string | symbol;
  readonly static?: boolean;
}

function isDecoratorContext(v: unknown): v is MethodDecoratorContext {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string' && 'name' in v;
}

/**
 * A method decorator usable with TypeScript's experimentalDecorators
 * `(prototype, key, descriptor)` and with TC39 decorators `(method, context)`.
 */
export type TracedMethodDecorator = {
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
  <F extends AnyFunction>(method: F, context: MethodDecoratorContext): F;
};

function className(target: unknown, isStatic: boolean): string {
  if (isStatic) return (target as { name?: string }).name || 'anonymous';
  return (target as { constructor?: { name?: string } })?.constructor?.name || 'anonymous';
}

function methodDecorator(explicitName: string | undefined): TracedMethodDecorator {
  const location = locationOfCaller();
  const decorate = (targetOrMethod: unknown, keyOrContext: unknown, descriptor?: PropertyDescriptor): unknown => {
    if (isDecoratorContext(keyOrContext)) {
      // TC39: the class is not known yet; the name comes from `this` at the first call.
      if (keyOrContext.kind !== 'method') throw new TypeError(`logfun: @traced() decorates methods, not a ${keyOrContext.kind}`);
      const method = targetOrMethod as AnyFunction;
      const isStatic = keyOrContext.static === true;
      const key = String(keyOrContext.name);
      let scope: FunctionScope | undefined = explicitName !== undefined ? functionScopes.scope(explicitName, () => location) : undefined;
      return wrap(method, (self) => {
        if (scope === undefined) scope = functionScopes.scope(`${className(self, isStatic)}.${key}`, () => location);
        return scope;
      });
    }
    if (descriptor === undefined || typeof descriptor.value !== 'function') {
      throw new TypeError('logfun: @traced() decorates methods (no function value on this property)');
    }
    const isStatic = typeof targetOrMethod === 'function';
    const name = explicitName ?? `${className(targetOrMethod, isStatic)}.${String(keyOrContext)}`;
    const scope = functionScopes.scope(name, () => location);
    descriptor.value = wrap(descriptor.value as AnyFunction, () => scope);
    return descriptor;
  };
  return decorate as TracedMethodDecorator;
}

/**
 * Runs a function inside a named scope (see the module comment).
 *
 *   const charge = traced(async function charge(order) { log.info`charging ${order.id}`; ... });
 *   const handler = traced('http.checkout', (req) => { ... });
 *   class Checkout { @traced() pay() { ... } }        // scope 'Checkout.pay'
 *   class Checkout { @traced('payments') pay() { ... } }
 *
 * traced(fn) names the scope fn.name (an anonymous function gets
 * `anonymous@file.ts:line` of the traced() call).
 */
export function traced<F extends AnyFunction>(fn: F): F;
export function traced<F extends AnyFunction>(name: string, fn: F): F;
export function traced(name?: string): TracedMethodDecorator;
export function traced(nameOrFn?: string | AnyFunction, maybeFn?: AnyFunction): unknown {
  if (typeof nameOrFn === 'function') {
    const fn = nameOrFn;
    let name = fn.name;
    let location: CodeLocation | undefined;
    if (!name) {
      location = locationOfCaller();
      name = `anonymous@${shortLocation(location)}`;
    }
    const scope = functionScopes.scope(name, () => location ?? locationOfCaller());
    return wrap(fn, () => scope);
  }
  if (typeof maybeFn === 'function') {
    if (typeof nameOrFn !== 'string' || nameOrFn === '') throw new TypeError('logfun: traced(name, fn) needs a non-empty name');
    const scope = functionScopes.scope(nameOrFn, locationOfCaller);
    return wrap(maybeFn, () => scope);
  }
  if (nameOrFn !== undefined && (typeof nameOrFn !== 'string' || nameOrFn === '')) {
    throw new TypeError('logfun: traced() expects a function, (name, function), or an optional name for a decorator');
  }
  return methodDecorator(nameOrFn);
}

/** The method decorator alone: `@logged()` or `@logged('name')` (same as `@traced()`). */
export function logged(name?: string): TracedMethodDecorator {
  if (name !== undefined && (typeof name !== 'string' || name === '')) throw new TypeError('logfun: @logged(name) needs a non-empty name');
  return methodDecorator(name);
}
