import type { ConnectionSender, SendOutcome } from '../signaling/ports.js';

/** The emulator's `@connections` POST, called directly. */
export interface InProcessConnections {
  postToConnection(connectionId: string, data: string): 'delivered' | 'gone' | 'too-large';
}

export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeException';
}

/**
 * Delivers to the emulator's connections in this process. Through the management API each
 * delivery is a request with SigV4 signing and an HTTP round trip to this same process:
 * about 1.8 ms of CPU when it was measured with the SDK's client (docs/performance.md), more
 * than the local runtime's one core can afford under load. Outcomes are those the API Gateway sender reports: delivered, gone (410), or
 * an error API Gateway would answer (413).
 */
export class InProcessSender implements ConnectionSender {
  constructor(private readonly connections: InProcessConnections) {}

  async send(connectionId: string, data: string): Promise<SendOutcome> {
    const outcome = this.connections.postToConnection(connectionId, data);
    if (outcome === 'too-large') throw new PayloadTooLargeError(`payload to ${connectionId} too large`);
    return outcome;
  }
}
