/**
 * A prelude of `npm start` (and its screenshot tool), imported first, before
 * powertools-defaults.ts: its dashboard draws the handlers' metrics, so Powertools must emit
 * them. In sources mode the runtime takes the EMF lines off stdout (`metricsFrom`); setting
 * POWERTOOLS_METRICS_DISABLED=true turns them off.
 */
process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'false';
