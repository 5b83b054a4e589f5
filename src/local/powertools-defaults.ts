/**
 * Powertools reads its settings from the environment when the handlers' observability
 * module loads, so the local runtime imports this first. In-process runtimes (tests, benches)
 * keep metrics off, since their EMF lines would bury the output; `npm start` turns them on
 * before this (metrics/metrics-on.ts) and takes the lines off stdout for its dashboard.
 * Warnings and errors still show. Either can be set otherwise from the environment.
 */
process.env['POWERTOOLS_LOG_LEVEL'] ??= 'WARN';
process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
