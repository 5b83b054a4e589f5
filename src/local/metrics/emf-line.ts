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

