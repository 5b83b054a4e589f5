/**
 * `npm start` draws the handlers' metrics at /dashboard, so Powertools must emit them: it
 * reads this when the handlers load, so main.ts imports this module first. The runtime takes
 * the EMF lines off stdout (`metricsFrom`); setting it to true turns them off.
 */
process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'false';
