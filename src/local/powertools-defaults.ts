import { defaultMetricsNamespace, defaultServiceName } from '../config/metrics.js';

/**
 * A prelude of the entry points that run the handlers in their own process (`npm start`,
 * the benches, the dashboard screenshot): each imports it first, since Powertools reads its
 * settings from the environment when the handlers' observability module loads. Nothing
 * below the entry points touches the environment. Powertools' metrics stay off (their EMF
 * lines would bury the output; `npm start` records the counts for its dashboard itself,
 * `recordHandlerMetrics`); warnings and errors show. Each can be set otherwise from the environment.
 */
process.env['POWERTOOLS_SERVICE_NAME'] ??= defaultServiceName;
process.env['POWERTOOLS_METRICS_NAMESPACE'] ??= defaultMetricsNamespace;
process.env['POWERTOOLS_LOG_LEVEL'] ??= 'WARN';
process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
