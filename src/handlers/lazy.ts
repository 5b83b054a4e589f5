import { count, logger, metricNames, publishMetrics } from './observability.js';

/**
 * A Lambda entry point whose handler is built on the first invocation, not at import: a
 * missing setting then fails that invocation with a clear message and counts in
 * HandlerErrors (the alarm), and is tried again on the next one.
 */
export function builtOnFirstUse<Args extends unknown[], Result>(
  build: () => (...args: Args) => Promise<Result>,
): (...args: Args) => Promise<Result> {
  let handler: ((...args: Args) => Promise<Result>) | undefined;
  return (...args) => {
    try {
      handler ??= build();
    } catch (error) {
      count(metricNames.handlerErrors);
      logger.error('could not set up the function', { error: error as Error });
      publishMetrics();
      return Promise.reject(error);
    }
    return handler(...args);
  };
}
