import { quotas } from './quotas.js';
import { reconnectCost, sustainableReconnectRate, type CapacityInput, type QuotaLoad, type ScenarioLoad } from './capacity-model.js';

const count = (value: number) => (value >= 100 ? Math.round(value).toLocaleString('en-US') : value >= 10 ? value.toFixed(0) : value.toFixed(1));

function bindsAt(load: QuotaLoad): string {
  if (!Number.isFinite(load.bindsAt) || load.bindsAt >= 1e9) return 'never (below 1e9)';
  return load.bindsOn === 'connections' ? `${count(load.bindsAt)} connections` : `rooms of ${count(load.bindsAt)}`;
}

function quotaTable(scenario: ScenarioLoad): string {
  const rows = scenario.loads.map((load) => {
    const use = (load.load / load.limit) * 100;
    const flag = use >= 100 ? ' **over**' : '';
    return `| ${quotas[load.quota].name} | ${count(load.load)} | ${count(load.limit)} | ${use < 1 ? use.toFixed(2) : use.toFixed(0)} %${flag} | ${bindsAt(load)} |`;
  });
  return ['| quota | load | quota | use | binds at |', '| --- | ---: | ---: | ---: | --- |', ...rows].join('\n');
}

/** The capacity report `npm run capacity` prints (markdown). */
export function capacityReport(input: CapacityInput, loads: readonly ScenarioLoad[]): string {
  const cost = reconnectCost(input);
  const lambdaMs = Object.values(cost.invocationMs).reduce((sum, ms) => sum + ms, 0);
  const rooms = Math.ceil(input.connections / input.roomSize);
  const lines = [
    `# Capacity: ${count(input.connections)} connections in rooms of ${input.roomSize} (${count(rooms)} rooms)`,
    '',
    `One reconnect costs 1 new connection, ${cost.callbacks} callbacks (its announce to every member), ` +
      `${cost.invocations} Lambda invocations (${Object.keys(cost.invocationMs).join(', ')}: ${lambdaMs} ms in all, warm) and, ` +
      `on its room's partition, ${cost.roomWriteUnits} write units and ${cost.roomReadUnits} read units. Peers already connected start no new handshake.`,
    '',
  ];
  for (const scenario of loads) {
    const first = scenario.bindsFirst;
    lines.push(
      `## ${scenario.name}`,
      '',
      `${scenario.description}: ${count(scenario.reconnectsPerSecond)} reconnects per second.`,
      '',
      quotaTable(scenario),
      '',
      `Lambda concurrency if every invocation of it met a cold start (${input.coldStartMs} ms each): ${count(scenario.lambdaConcurrencyAllCold)}.`,
      '',
      `Binds first: **${quotas[first.quota].name}**, at ${bindsAt(first)}${first.load >= first.limit ? ` (here: ${count(first.load)}, ${Math.ceil(first.load / first.limit)}× the quota)` : ''}.`,
      '',
    );
  }
  const rate = sustainableReconnectRate(input);
  const n = input.connections;
  const planned = loads.find((scenario) => scenario.name.startsWith('wave at the 2-hour mark'));
  const unplanned = loads.find((scenario) => scenario.name.startsWith('unplanned cut'));
  const steady = loads.find((scenario) => scenario.name === 'steady')!;
  const minutesFor = (connections: number, share: number) => Math.ceil(connections / rate.perSecond / share / 60);
  lines.push(
    `## What to do at ${count(n)} connections`,
    '',
    `The default quotas take **${count(rate.perSecond)} reconnects per second**, set by ${quotas[rate.quota].name}` +
      (rate.quota === 'apiGatewayNewConnectionsPerSecond' ? ` (callbacks would set it in rooms above ${Math.floor(quotas.callbackRequestsPerSecond.value / quotas.apiGatewayNewConnectionsPerSecond.value)}).` : '.') +
      ' Past it API Gateway throttles (429): a refused connect is retried by lib0 within 2.5 s, which adds to the wave; a refused callback is retried by the message function (SEND_ATTEMPTS) and then lost.',
    '',
    `- **Steady:** ${count(steady.reconnectsPerSecond)} per second, ${verdict(steady.reconnectsPerSecond, rate.perSecond)}. It binds at ${count(rate.perSecond * input.maxConnectionSeconds)} connections; past that, request ${quotas[rate.quota].name} (${quotas[rate.quota].raise}).`,
  );
  if (planned) {
    lines.push(
      `- **At the 2-hour mark**, connections opened together: ${count(planned.reconnectsPerSecond)} per second with a ${input.earlyCloseWindowSeconds / 60}-minute early-close window, ${verdict(planned.reconnectsPerSecond, rate.perSecond)}.` +
        (planned.reconnectsPerSecond > rate.perSecond
          ? ` Widen \`earlyCloseWindowMs\` to at least ${minutesFor(n, 0.9)} minutes, or request ${quotas[rate.quota].name} of at least ${count(Math.ceil(planned.reconnectsPerSecond * 1.25))} (the peak plus a quarter).`
          : ''),
    );
  }
  if (unplanned) {
    lines.push(
      `- **After an unplanned cut** (a deploy, an outage): ${count(unplanned.reconnectsPerSecond)} per second with a ${input.reconnectSpreadSeconds}-s \`reconnectSpreadMs\`, ${verdict(unplanned.reconnectsPerSecond, rate.perSecond)}.` +
        (unplanned.reconnectsPerSecond > rate.perSecond
          ? ` A spread of ${count(Math.ceil(n / rate.perSecond))} s takes it at the default quotas (only newcomers to a room wait for it: connected peers stay connected); or raise the quota to fit the spread you choose.`
          : ''),
    );
  }
  if (!planned && !unplanned) {
    lines.push(`- **Without the client module** every wave arrives in one second: ${count(n)} reconnects. Use the module (docs/clients.md), or no quota increase keeps up past ${count(rate.perSecond)} connections opened together.`);
  }
  lines.push(
    '',
    `Quotas are the AWS defaults per account and region (src/bench/capacity/quotas.ts). Lambda times are ${input.functionMs ? 'the ones given (--function-ms), the cost model\'s for the rest' : "the cost model's (src/bench/cost/prices.ts: assumed for a warm function; pass your deployment's with --function-ms)"}; the cold start is \`npm run bench:cold-start\`'s p50 order. The callbacks, invocations and partition units per reconnect are held to a measured reconnect (test/bench/reconnect-cost.test.ts).`,
  );
  return lines.join('\n');
}

function verdict(perSecond: number, sustainable: number): string {
  return perSecond <= sustainable ? `within the quotas (${((perSecond / sustainable) * 100).toFixed(0)} %)` : `**${(perSecond / sustainable).toFixed(1)}× what the quotas take**`;
}
