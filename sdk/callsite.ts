/**
 * Code location of a logging call site (OTel code.function / code.filepath /
 * code.lineno), taken from V8's structured stack trace. Costly (microseconds),
 * so it runs once per template site, never per record.
 */
import * as path from 'path';
import { fileURLToPath } from 'url';

export interface CodeLocation {
  /** Function name, `Class.method` for methods; '' at module top level or for anonymous functions. */
  readonly function: string;
  readonly filepath: string;
  /** 1-based line number. */
  readonly lineno: number;
}

/** Every SDK module lives under this directory; frames inside it are skipped. */
const SDK_DIR = __dirname + path.sep;

type V8CallSite = NodeJS.CallSite;

function functionNameOf(site: V8CallSite): string {
  const fn = site.getFunctionName();
  if (!fn) return '';
  if (fn.includes('.')) return fn;
  let typeName: string | null = null;
  try {
    typeName = site.isToplevel() ? null : site.getTypeName();
  } catch {
    typeName = null;
  }
  return typeName && typeName !== 'Object' && typeName !== 'global' ? `${typeName}.${fn}` : fn;
}

function filePathOf(site: V8CallSite): string | undefined {
  const file = site.getFileName() ?? (site as unknown as { getScriptNameOrSourceURL?: () => string }).getScriptNameOrSourceURL?.();
  if (!file) return undefined;
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return file;
    }
  }
  return file;
}

/** The first stack frame outside the SDK (the application's logging call), or undefined. */
export function captureCallSite(): CodeLocation | undefined {
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  let frames: V8CallSite[] | undefined;
  try {
    Error.stackTraceLimit = 40;
    Error.prepareStackTrace = (_err, stack) => stack;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, captureCallSite);
    frames = holder.stack as V8CallSite[] | undefined;
  } catch {
    frames = undefined;
  } finally {
    Error.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
  }
  if (!Array.isArray(frames)) return undefined;
  for (const site of frames) {
    const file = filePathOf(site);
    if (!file || file.startsWith(SDK_DIR) || file.startsWith('node:')) continue;
    return { function: functionNameOf(site), filepath: file, lineno: site.getLineNumber() ?? 0 };
  }
  return undefined;
}
