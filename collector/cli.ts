#!/usr/bin/env node
/** The `logfun` command line. */
import { Command, Option } from 'commander';
import { Collector } from './service/collector';
import { ConfigError } from './config/config';
import { formatRows, runSql } from './cli/sql';
import { runDemo } from './cli/demo';
import { untilSignal } from './cli/signals';

const program = new Command();
program.name('logfun').description('logfun: an OpenTelemetry-compatible log pipeline (collector, SDK, ClickHouse storage)').version(require('../../package.json').version);

program
  .command('collector')
  .description('run the collector (OTLP on 4317/4318 into the embedded ClickHouse when no config is given)')
  .option('-c, --config <file>', 'YAML config in the OpenTelemetry Collector shape')
  .option('--validate', 'check the config, print every problem, and exit')
  .action(async (opts: { config?: string; validate?: boolean }) => {
    const collector = new Collector({ configFile: opts.config });
    if (opts.validate) {
      console.log(`configuration is valid: ${[...collector.config.pipelines.keys()].join(', ')}`);
      return;
    }
    await collector.start();
    await untilSignal();
    await collector.shutdown();
  });

program
  .command('sql')
  .description('run a read-only SQL query against the store (through a running collector, else the embedded store)')
  .argument('<query>', 'the SQL query')
  .option('--admin <url>', "a running collector's admin endpoint", 'http://127.0.0.1:13133')
  .option('--endpoint <url>', 'query this store directly: chdb://<folder> or http://host:8123')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'tsv']).default('table'))
  .action(async (query: string, opts: { admin: string; endpoint?: string; format: 'table' | 'json' | 'tsv' }) => {
    const rows = await runSql(query, opts);
    console.log(formatRows(rows, opts.format));
  });

program
  .command('demo')
  .description('start a collector and a small service logging through the SDK into it, and print where to look')
  .option('--duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C)')
  .option('--rate <n>', 'records per second the demo service logs', '50')
  .action(async (opts: { duration?: string; rate: string }) => {
    await runDemo({ durationSeconds: opts.duration ? Number(opts.duration) : undefined, ratePerSecond: Number(opts.rate) });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(`logfun: ${(err as Error).message ?? err}`);
  process.exit(1);
});

