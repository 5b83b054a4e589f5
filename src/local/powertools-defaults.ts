/**
 * Powertools reads its settings from the environment when the handlers' observability
 * module loads, so the local runtime imports this first. Locally the EMF metric lines would
 * bury the output; warnings and errors still show. Either can be turned back on by setting it.
 */
process.env['POWERTOOLS_LOG_LEVEL'] ??= 'WARN';
process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
