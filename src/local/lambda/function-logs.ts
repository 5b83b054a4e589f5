import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { recordEmfLine } from '../metrics/emf-line.js';
import type { MetricStore } from '../metrics/metric-store.js';

/** Lines kept per function for `tail()`. */
const tailLength = 500;

/**
 * The functions' logs, one per function as CloudWatch keeps a log group per function: what
 * their execution environments print, and the runtime's START, END and REPORT lines. The
 * EMF lines in them are recorded into the metric store, as CloudWatch extracts them; every
 * line is kept in a short tail per function and, with a directory, appended to
 * `<directory>/<function>.log` (docs/configuration.md, FUNCTION_LOGS).
 */
export class FunctionLogs {
  private readonly tails = new Map<string, string[]>();
  private readonly files = new Map<string, WriteStream>();

  constructor(private readonly options: { readonly directory?: string; readonly metrics?: MetricStore }) {
    if (options.directory) mkdirSync(options.directory, { recursive: true });
  }

  /** Where `functionName`'s log is written, if anywhere. */
  fileOf(functionName: string): string | undefined {
    return this.options.directory ? join(this.options.directory, `${functionName}.log`) : undefined;
  }

  write(functionName: string, line: string): void {
    if (this.options.metrics) recordEmfLine(line, this.options.metrics);
    let tail = this.tails.get(functionName);
    if (!tail) this.tails.set(functionName, (tail = []));
    tail.push(line);
    if (tail.length > tailLength) tail.splice(0, tail.length - tailLength);
    const file = this.fileOf(functionName);
    if (!file) return;
    let stream = this.files.get(functionName);
    if (!stream) this.files.set(functionName, (stream = createWriteStream(file, { flags: 'w' })));
    stream.write(`${line}\n`);
  }

  /** The last lines of a function's log, oldest first. */
  tail(functionName: string): readonly string[] {
    return this.tails.get(functionName) ?? [];
  }

  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((stream) => new Promise<void>((resolve) => stream.end(resolve))));
    this.files.clear();
  }
}
