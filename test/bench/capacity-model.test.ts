import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { reconnectCost, scenarioLoad, scenarios, sustainableReconnectRate, type CapacityInput } from '../../src/bench/capacity/capacity-model.js';

const input = (changes: Partial<CapacityInput> = {}): CapacityInput => ({
  connections: 1_000_000,
  roomSize: 8,
  maxConnectionSeconds: 7_200,
  earlyCloseWindowSeconds: 600,
  reconnectSpreadSeconds: 5,
  authorizer: true,
  coldStartMs: 150,
  ...changes,
});

const loadsOf = (changes: Partial<CapacityInput> = {}) => scenarios(input(changes)).map((scenario) => scenarioLoad(input(changes), scenario));

describe('capacity model', () => {
  it('reconnects every connection once per 2 hours in the steady state, and meets the new-connection quota at 3.6 million', () => {
    const steady = loadsOf()[0]!;
    expect(steady.reconnectsPerSecond).toBeCloseTo(1_000_000 / 7_200);
    expect(steady.bindsFirst).toMatchObject({ quota: 'apiGatewayNewConnectionsPerSecond', bindsAt: 3_600_000 });
  });

  it('spreads the 2-hour wave over nine tenths of the early-close window, and an unplanned one over the reconnect spread', () => {
    const [, planned, unplanned, alone] = loadsOf();
    expect(planned!.reconnectsPerSecond).toBeCloseTo(1_000_000 / 540);
    expect(unplanned!.reconnectsPerSecond).toBe(200_000);
    expect(alone!.reconnectsPerSecond).toBe(1_000_000);
    // Without the module there is no scenario for its windows.
    expect(loadsOf({ earlyCloseWindowSeconds: 0, reconnectSpreadSeconds: 0 }).map((scenario) => scenario.name)).toEqual(['steady', 'any wave, y-webrtc alone']);
  });

  it('costs a callback per room member per reconnect (its announce), so callbacks bind first in rooms above 20', () => {
    expect(reconnectCost({ roomSize: 8, authorizer: true }).callbacks).toBe(8);
    expect(sustainableReconnectRate(input({ roomSize: 20 }))).toEqual({ perSecond: 500, quota: 'apiGatewayNewConnectionsPerSecond' });
    expect(sustainableReconnectRate(input({ roomSize: 40 }))).toEqual({ perSecond: 250, quota: 'callbackRequestsPerSecond' });
  });

  it("finds the room size at which the room's partition binds when all its members reconnect in one second", () => {
    const alone = loadsOf().at(-1)!;
    const writes = alone.loads.find((load) => load.quota === 'partitionWriteUnitsPerSecond')!;
    // At most 7 write units per reconnect on the room's partition (measured: reconnect-cost.test.ts), 1,000 a second.
    expect(writes).toMatchObject({ load: 56, bindsAt: 143, bindsOn: 'room size' });
    expect(loadsOf({ roomSize: 300 }).at(-1)!.bindsFirst.quota).toBe('partitionWriteUnitsPerSecond');
  });

  it('takes measured function durations: Lambda concurrency follows them', () => {
    const measured = input({ functionMs: { connect: 40, message: 60, disconnect: 30, cleanup: 50, authorizer: 20 } });
    const steady = scenarioLoad(measured, scenarios(measured)[0]!);
    const concurrency = steady.loads.find((load) => load.quota === 'lambdaConcurrentExecutions')!;
    // (20 + 40 + 60 + 60 + 30 + 50) ms per reconnect at 1,000,000 / 7,200 reconnects a second.
    expect(concurrency.load).toBeCloseTo((1_000_000 / 7_200) * 0.26);
  });

  it('npm run capacity prints the scenarios and what to do, and refuses a bad option with exit 2', () => {
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/bench/capacity/cli.ts', ...args], { encoding: 'utf8', timeout: 30_000 });
    const printed = run(['--connections', '1000000', '--room-size', '8']);
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('The default quotas take **500 reconnects per second**');
    expect(printed.stdout).toMatch(/Widen `earlyCloseWindowMs` to at least 38 minutes/);
    expect(run(['--connections', '1000000']).status).toBe(2);
    const measured = run(['--connections', '1000000', '--room-size', '8', '--function-ms', 'connect=40,message=60']);
    expect(measured.stdout).toContain('Lambda times are the ones given (--function-ms)');
    expect(run(['--connections', '1000000', '--room-size', '8', '--function-ms', 'connnect=40']).status).toBe(2);
  });
});
