import type { MetricStore } from './metric-store.js';

/** The part of CloudWatch's Embedded Metric Format a reader needs. */
interface EmfDocument {
  readonly _aws: {
    readonly Timestamp?: number;
    readonly CloudWatchMetrics: readonly { readonly Dimensions?: readonly (readonly string[])[]; readonly Metrics: readonly { readonly Name: string }[] }[];
  };
  readonly [key: string]: unknown;
}

/**
 * Records one EMF line's metrics as CloudWatch would: each value (a metric added twice in an
 * invocation is an array) under the line's dimensions, at its timestamp.
 * @returns whether the line was EMF
 */
export function recordEmfLine(line: string, store: MetricStore): boolean {
  if (!line.startsWith('{"_aws"')) return false;
  let document: EmfDocument;
  try {
    document = JSON.parse(line) as EmfDocument;
  } catch {
    return false;
  }
  const directives = document._aws?.CloudWatchMetrics;
  if (!Array.isArray(directives)) return false;
  for (const directive of directives) {
    const dimensions: Record<string, string> = {};
    for (const name of directive.Dimensions?.flat() ?? []) {
      if (typeof document[name] === 'string') dimensions[name] = document[name];
    }
    for (const { Name } of directive.Metrics) {
      const value = document[Name];
      const values = Array.isArray(value) ? value : [value];
      for (const one of values) if (typeof one === 'number') store.record(Name, one, dimensions, document._aws.Timestamp);
    }
  }
  return true;
}

/**
 * Takes the EMF lines the handlers print (Powertools writes each as one `write` of a JSON
 * line to stdout) off the stream into the store; everything else passes through. Locally
 * nobody reads EMF in a terminal: the dashboard draws it. Returns the undo.
 */
export function tapEmf(stream: NodeJS.WriteStream, store: MetricStore): () => void {
  const write = stream.write;
  const tapped = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : undefined;
    if (text !== undefined && recordEmfLine(text.trimEnd(), store)) {
      const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  };
  stream.write = tapped as typeof stream.write;
  return () => {
    if (stream.write === tapped) stream.write = write;
  };
}
