import { describe, expect, it } from 'vitest';
import { StopOrder } from '../../src/local/stop-order.js';

describe('StopOrder', () => {
  it("runs the phases in their order, whatever order the steps came in; a phase's steps last-in first-out; a failure stops nothing", async () => {
    const ran: string[] = [];
    const order = new StopOrder(['gateway', 'stream', 'database'] as const);
    order.add('database', () => void ran.push('database'));
    order.add('gateway', () => void ran.push('gateway'));
    order.add('stream', () => void ran.push('stream: first registered'));
    order.add('stream', () => {
      ran.push('stream: failing');
      throw new Error('no');
    });
    await order.run();
    expect(ran).toEqual(['gateway', 'stream: failing', 'stream: first registered', 'database']);
    await order.run();
    expect(ran).toHaveLength(4);
  });
});
