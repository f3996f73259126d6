#!/usr/bin/env node
/** The `logfun` command line. */
import { Command, Option } from 'commander';
import { Collector } from './service/collector';
import { ProcessGuard } from './service/process-guard';
import { createDefaultProcessConfig } from './service/process-config';
import { formatRows, runSql } from './cli/sql';
import { runDemo } from './cli/demo';
import { untilSignal } from './cli/signals';
import { decodeBoundOptions, runDecode, type DecodeFormat } from './cli/decode';
import { DEFAULT_DECODE_BOUNDS, type DecodeBounds } from '../protocol/file-format/bounds';
import { defaultHttpStatsConsoleOptions, httpStatsErrorJson, runHttpStatsConsole } from './cli/httpstats';
import { registerControlCommand } from './cli/control';
import { registerTailCommand } from './cli/tail';
import { ADMIN_OPTION_HELP, TOKEN_FILE_OPTION_HELP } from './cli/admin-token';
import { announceAdmin, restrictNewFiles } from './cli/announce';
import { checkStorePaths } from './config/store-paths';
import { exitQuietlyWhenReaderGoesAway } from './cli/quiet-pipes';
import { commandErrorLine, commandPath, InputFileError, nameErrorsByCommand, numberFlag, readableFile } from './cli/flags';

// Files any command creates (store, queue, token, state) are the owner's only.
restrictNewFiles();
const program = new Command();
program.name('logfun').description('logfun: an OpenTelemetry-compatible log pipeline (collector, SDK, ClickHouse storage)').version(require('../../package.json').version);

program
  .command('collector')
  .description('run the collector (OTLP on 4317/4318 into the embedded ClickHouse when no config is given)')
  .option('-c, --config <file>', 'YAML config in the OpenTelemetry Collector shape')
  .option('--validate', 'check the config, print every problem, and exit')
  .action(async (opts: { config?: string; validate?: boolean }) => {
    const collector = new Collector({ configFile: opts.config !== undefined ? readableFile(opts.config) : undefined });
    const problems = checkStorePaths(collector.config);
    if (problems.length) throw new Error(`configuration cannot run:\n  ${problems.join('\n  ')}`);
    if (opts.validate) {
      console.log(`configuration is valid: ${[...collector.config.pipelines.keys()].join(', ')}`);
      return;
    }
    // Installed before start: a start that hangs or a fatal error during it must end the process too.
    const guard = new ProcessGuard(collector.config.process ?? createDefaultProcessConfig(), collector.logger);
    guard.install();
    restrictNewFiles();
    await collector.start();
    announceAdmin(collector);
    await guard.runUntilSignal(() => collector.shutdown());
    guard.dispose();
    // Shut down: nothing left to wait for. Exiting here (not when the event loop empties)
    // keeps a handle some library left open from holding the process after SIGTERM.
    process.exit(0);
  });

program
  .command('sql')
  .description('run a read-only SQL query against the store (through a running collector, else the embedded store)')
  .argument('<query>', 'the SQL query')
  .option('--admin <url>', ADMIN_OPTION_HELP)
  .option('--endpoint <url>', 'query this store directly: chdb://<folder> or http://host:8123')
  .option('--database <name>', "with --endpoint (or no collector running): the database of unqualified table names (a collector uses its exporter's)", 'otel')
  .option('--token <token>', "the collector's admin token (default $LOGFUN_CONSOLE_TOKEN, else the token file)")
  .option('--token-file <file>', TOKEN_FILE_OPTION_HELP)
  .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'tsv']).default('table'))
  .action(async (query: string, opts: { admin?: string; endpoint?: string; database: string; token?: string; tokenFile?: string; format: 'table' | 'json' | 'tsv' }) => {
    const rows = await runSql(query, opts);
    console.log(formatRows(rows, opts.format));
  });

program
  .command('demo')
  .description('start a collector and a small service logging through the SDK into it, and print where to look')
  .option('--duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C)')
  .option('--rate <n>', 'records per second the demo service logs', '50')
  .action(async (opts: { duration?: string; rate: string }) => {
    await runDemo({
      durationSeconds: opts.duration !== undefined ? numberFlag('--duration', opts.duration, { above: 0 }) : undefined,
      ratePerSecond: numberFlag('--rate', opts.rate, { above: 0 }),
    });
  });

program
  .command('decode')
  .description("print the records of logfun log files (the SDK's transport: 'file') as text or JSON lines")
  .argument('<files...>', 'log files to decode, in order')
  .addOption(new Option('-f, --format <format>', 'text: <ISO time> <LEVEL> <service> <body>; json: typed fields').choices(['text', 'json']).default('text'))
  .option('--max-frame-bytes <size>', `most bytes one frame may decompress to (default ${DEFAULT_DECODE_BOUNDS.maxFrameBytes / 2 ** 20}MiB)`)
  .option('--max-frame-records <n>', `most records one frame may hold (default ${DEFAULT_DECODE_BOUNDS.maxFrameRecords})`)
  .option('--max-output-bytes <size>', `most decompressed bytes per file (default ${DEFAULT_DECODE_BOUNDS.maxOutputBytes / 2 ** 20}MiB, or ${DEFAULT_DECODE_BOUNDS.maxOutputRatio}x the file's size if larger)`)
  .action(async (files: string[], opts: { format: DecodeFormat; maxFrameBytes?: string; maxFrameRecords?: string; maxOutputBytes?: string }) => {
    let bounds: Partial<DecodeBounds>;
    try {
      bounds = decodeBoundOptions(opts);
    } catch (e) {
      process.stderr.write(`logfun decode: ${(e as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    process.exitCode = await runDecode(files, { format: opts.format, bounds });
  });

program
  .command('httpstats')
  .description('tail access logs and print HTTP statistics every interval plus traffic alerts (no server needed)')
  .argument('<glob...>', 'access log files (Common/Combined Log Format, CSV, or JSON records); - (or a named pipe) reads standard input to its end instead, as the only input: zcat access.log.*.gz | logfun httpstats --once -')
  .option('--interval <duration>', 'aggregation interval and summary period', '10s')
  .option('--threshold <req/s>', 'alert when the average requests/s over --window exceeds this (0 disables)', '10')
  .option('--window <duration>', 'window of the --threshold alert', '2m')
  .option('--ratio <factor>', 'alert when the 2 min average exceeds the 20 min one times this', '1.5')
  .option('--recovery <factor>', 'a raised alert recovers when its figure falls to its limit times this (hysteresis, in (0, 1])', '0.9')
  .addOption(new Option('--group-by <key>', 'what an alert is about').choices(['all', 'service', 'service_host']).default('all'))
  .addOption(new Option('--parser <name>', 'line format').choices(['auto', 'clf', 'combined', 'csv', 'json']).default('auto'))
  .option('--from-beginning', 'read the files from their beginning, then follow them (default: new lines only, like tail -f)')
  .option('--once', 'read the files (gzip rotations too) to their end, however long, print the summary and how far it got, and exit; unreadable input is an error')
  .option('--json', 'machine-readable output: one JSON document with --once, else one JSON line per summary and alert')
  .option('--service <name>', 'service.name of the records')
  .option('--webhook <url>', 'POST alert and recovery events to this URL')
  .action(async (globs: string[], opts: { interval: string; threshold: string; window: string; ratio: string; recovery: string; groupBy: 'all' | 'service' | 'service_host'; parser: 'auto' | 'clf' | 'combined' | 'csv' | 'json'; fromBeginning?: boolean; once?: boolean; json?: boolean; service?: string; webhook?: string }) => {
    const stop = new AbortController();
    void untilSignal().then(() => stop.abort());
    // --json: stdout is for a program, so an error is a JSON document there too (and said on stderr).
    const fail = (e: unknown): never => {
      if (opts.json) process.stdout.write(JSON.stringify(httpStatsErrorJson(e)) + '\n');
      throw e;
    };
    const number = (...args: Parameters<typeof numberFlag>): number => {
      try {
        return numberFlag(...args);
      } catch (e) {
        return fail(e);
      }
    };
    const recovery = number('--recovery', opts.recovery, { above: 0, max: 1 });
    const result = await runHttpStatsConsole({
      ...defaultHttpStatsConsoleOptions(globs),
      interval: opts.interval,
      threshold: number('--threshold', opts.threshold),
      window: opts.window,
      ratio: number('--ratio', opts.ratio),
      recoveryRatio: recovery,
      groupBy: opts.groupBy,
      parser: opts.parser,
      fromBeginning: Boolean(opts.fromBeginning),
      once: Boolean(opts.once),
      json: Boolean(opts.json),
      service: opts.service,
      webhook: opts.webhook,
      signal: stop.signal,
    }).catch(fail);
    // A batch stopped before the end of its files, or with a file it could not read to its end
    // (damaged gzip) or open at all, must not look like a complete one. Exit once stdout is flushed: a pipe is
    // written asynchronously, and a large --json document would be cut.
    const code = result.batch && (!result.batch.complete || result.batch.damaged.length || result.batch.unread.length) ? 1 : 0;
    process.stdout.write('', () => process.exit(code));
  });

// The command being run, for the error line (`logfun demo: ...`).
let running = 'logfun';
// `logfun tail | head`: a closed pipe ends a command quietly with status 0. Not the
// collector: a service must not stop with success because its log reader went away
// (it fails as before, and its supervisor restarts it).
program.hook('preAction', (_program, command) => {
  running = commandPath(command);
  if (command.name() !== 'collector') exitQuietlyWhenReaderGoesAway();
});

// logfun control list|set|clear (collector/cli/control.ts)
registerControlCommand(program);
// logfun tail [--since 5m] [--service S] [--severity warn] [--grep T] (collector/cli/tail.ts)
registerTailCommand(program);
nameErrorsByCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(commandErrorLine(running, String((err as Error).message ?? err)));
  process.exit(err instanceof InputFileError ? err.exitCode : 1);
});

