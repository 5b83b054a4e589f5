import { describe, expect, it } from 'vitest';
import { costReport } from '../../src/bench/cost/report.js';
import { estimateOurs, estimatePredecessor, signalsPerPair, trafficOf } from '../../src/bench/cost/run.js';
import { estimateTurn } from '../../src/bench/cost/turn.js';

const workload = { connections: 1_000, rooms: 500, hours: 730, sessionMinutes: 60 };

describe('cost model', () => {
  it('derives y-webrtc traffic: a ping every 15 s, an announce and 10 signals per peer already in the room', () => {
    const traffic = trafficOf(workload);
    expect(traffic.pings).toBe(1_000 * 730 * 60 * 4);
    expect(traffic.sessions).toBe(730_000);
    expect(traffic.publishes).toBe(730_000 * 11);
    // The announce to both peers, each signal to its addressee; to the whole room without directed signals.
    expect(traffic.deliveries).toBe(730_000 * (2 + 10));
    expect(trafficOf({ ...workload, signalDelivery: 'room' }).deliveries).toBe(730_000 * 11 * 2);
  });

  it('models rooms of N peers: deliveries per join grow with N with directed signals, with N² without', () => {
    const perJoin = (peers: number, signalDelivery: 'peer' | 'room') => {
      const w = { ...workload, rooms: workload.connections / peers, signalDelivery };
      return trafficOf(w).deliveries / trafficOf(w).sessions;
    };
    expect(perJoin(16, 'peer') / perJoin(8, 'peer')).toBeLessThan(2.2);
    expect(perJoin(16, 'room') / perJoin(8, 'room')).toBeGreaterThan(4);
    const eight = { ...workload, rooms: workload.connections / 8 };
    expect(estimateOurs(eight).totalUsd).toBeLessThan(0.7 * estimateOurs({ ...eight, signalDelivery: 'room' }).totalUsd);
  });

  it('charges the predecessor a Lambda request per ping and a table Scan per disconnect, and this design neither', () => {
    const ours = estimateOurs(workload);
    const predecessor = estimatePredecessor(workload);
    const line = (estimate: typeof ours, item: string) => estimate.lines.find((l) => l.item === item)!;
    const pings = trafficOf(workload).pings;
    expect(line(predecessor, 'Lambda requests').quantity - line(ours, 'Lambda requests').quantity).toBeGreaterThanOrEqual(pings - 2 * 730_000);
    // Scans grow with the rooms in the table; ours do not.
    const bigger = { ...workload, rooms: 50_000, connections: 100_000 };
    const readsPerSession = (estimate: typeof ours, w: typeof workload) => line(estimate, 'DynamoDB read units').quantity / trafficOf(w).sessions;
    expect(readsPerSession(estimateOurs(bigger), bigger)).toBeCloseTo(readsPerSession(ours, workload));
    expect(readsPerSession(estimatePredecessor(bigger), bigger)).toBeGreaterThan(40 * readsPerSession(predecessor, workload));
  });

  it('prices messages past the first billion at the lower tier', () => {
    const huge = { ...workload, connections: 100_000, rooms: 50_000 };
    const messages = estimateOurs(huge).lines.find((l) => l.item === 'API Gateway messages')!;
    expect(messages.usd).toBeCloseTo(1_000 + ((messages.quantity - 1e9) / 1e6) * 0.8, 2);
  });
});

describe('the cost report', () => {
  it('gives every quantity its unit and says where the publish count comes from', () => {
    const workload = { connections: 1_000, rooms: 100, hours: 730, sessionMinutes: 60 };
    const report = costReport(workload, [estimateOurs(workload), estimatePredecessor(workload)]);
    const rows = report.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| item') && !line.startsWith('| ---') && !line.includes('**total**'));
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      const quantities = row.split('|').slice(2, -1).filter((_, index) => index % 2 === 0);
      for (const quantity of quantities) expect(quantity.trim(), row).toMatch(/^[\d,.]+ (messages|minutes|requests|GB-s|WRU|RRU)$/);
    }
    expect(report).toContain(`publishes = sessions × (1 + ${signalsPerPair} × (10.0 − 1))`);
    expect(report).toContain('test/bench/join-traffic.test.ts');
    const traffic = trafficOf(workload);
    expect(traffic.publishes).toBe(traffic.sessions * (1 + signalsPerPair * 9));
  });

  it('prices TURN by source: Kinesis Video bills relayed minutes and few GetIceServerConfig calls; a coturn of your own the data it relays', () => {
    const turn = { relayedShare: 0.1, relayKbps: 8, channels: 2 };
    const [kinesisVideo, sharedSecret] = estimateTurn(workload, turn);
    const line = (estimate: typeof kinesisVideo, item: string) => estimate!.lines.find((l) => l.item === item)!;
    const t = trafficOf(workload);
    // Two peers a room: one peer connection each, a tenth of them relayed.
    expect(line(kinesisVideo, 'Kinesis Video TURN minutes').quantity).toBeCloseTo(t.connectionMinutes * 0.1);
    expect(line(sharedSecret, 'Data relayed out by your TURN server (EC2)').quantity).toBeCloseTo((t.connectionMinutes * 0.1 * 60 * 8) / 8 / 1e6);
    // Hour-long sessions: credentials of 300 s are fetched on joining and about every 170 s (22 times); the shared secret's hour twice.
    const kvsRequests = line(kinesisVideo, 'Lambda requests (ICE servers)').quantity;
    const ownRequests = line(sharedSecret, 'Lambda requests (ICE servers)').quantity;
    expect(kvsRequests / ownRequests).toBeGreaterThan(10);
    // The cache: GetIceServerConfig is called per channel and environment, not per request.
    expect(line(kinesisVideo, 'Kinesis Video GetIceServerConfig').quantity).toBeLessThan(kvsRequests / 100);
    expect(line(kinesisVideo, 'Kinesis Video active channels').quantity).toBe(2);
    expect(estimateTurn(workload, { ...turn, relayedShare: 0.2 })[0]!.totalUsd).toBeGreaterThan(kinesisVideo!.totalUsd);
  });
});
