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
    'function-ms': {
      type: 'string',
      description: "warm Duration p50 per function as measured on your deployment (REPORT lines, the dashboard), e.g. connect=18,message=25,disconnect=15,cleanup=30,authorizer=10; default: the cost model's",
    },
    json: { type: 'boolean', description: 'print the figures as JSON' },
  },
});

function main(): number {
  const parsed = cli.parse(process.argv.slice(2));
  if (!parsed.ok) return parsed.exitCode;
  const { values } = parsed;
  let functionMs: CapacityInput['functionMs'];
  try {
    functionMs = parseFunctionMs(values['function-ms']);
  } catch (error) {
    return cli.fail((error as Error).message);
  }
  const input: CapacityInput = {
    ...(functionMs ? { functionMs } : {}),
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

const functionNames = ['authorizer', 'connect', 'message', 'disconnect', 'cleanup'] as const;

function parseFunctionMs(text: string | undefined): CapacityInput['functionMs'] {
  if (!text) return undefined;
  const entries = text.split(',').map((pair) => pair.split('=').map((part) => part.trim()));
  const result: Record<string, number> = {};
  for (const [name, value] of entries) {
    const ms = Number(value);
    if (!functionNames.includes(name as (typeof functionNames)[number]) || !Number.isFinite(ms) || ms <= 0) {
      throw new Error(`--function-ms wants <function>=<ms> pairs of ${functionNames.join(', ')}, got "${name}=${value}"`);
    }
    result[name!] = ms;
  }
  return result;
}

process.exitCode = main();
