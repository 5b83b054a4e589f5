import { defineCli } from '../../tools/cli.js';
import { scenarioLoad, scenarios, type CapacityInput } from './capacity-model.js';
import { capacityReport } from './report.js';

const cli = defineCli({
  synopsis: 'npm run capacity -- --connections N --room-size K [options]',
  options: {
    connections: { type: 'integer', min: 1, max: 1e9, required: true, description: 'connections open at once' },
    'room-size': { type: 'integer', min: 1, max: 100_000, required: true, description: 'peers per room' },
    'max-connection-hours': { type: 'number', above: 0, default: 2, description: "API Gateway's connection limit (default 2)" },
    'early-close-minutes': { type: 'number', min: 0, default: 10, description: "the client module's early-close window (default 10; 0: clients without the module)" },
    'reconnect-spread-seconds': { type: 'number', min: 0, default: 5, description: "the client module's spread after an unplanned cut (default 5; 0: without the module)" },
    'without-authorizer': { type: 'boolean', description: 'no $connect authorizer (default: one runs on every connect)' },
    'cold-start-ms': { type: 'number', min: 0, default: 150, description: 'Init Duration per cold start (default 150, npm run bench:cold-start)' },
    json: { type: 'boolean', description: 'print the figures as JSON' },
  },
});

function main(): number {
  const parsed = cli.parse(process.argv.slice(2));
  if (!parsed.ok) return parsed.exitCode;
  const { values } = parsed;
  const input: CapacityInput = {
    connections: values.connections,
    roomSize: values['room-size'],
    maxConnectionSeconds: values['max-connection-hours'] * 3600,
    earlyCloseWindowSeconds: values['early-close-minutes'] * 60,
    reconnectSpreadSeconds: values['reconnect-spread-seconds'],
    authorizer: !values['without-authorizer'],
    coldStartMs: values['cold-start-ms'],
  };
  const loads = scenarios(input).map((scenario) => scenarioLoad(input, scenario));
  console.log(values.json ? JSON.stringify({ input, scenarios: loads }, null, 2) : capacityReport(input, loads));
  return 0;
}

process.exitCode = main();
