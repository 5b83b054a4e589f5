/**
 * AWS list prices used by `npm run cost`, us-east-1, in USD. They are copied from the public
 * AWS pricing pages, not fetched: check them before you rely on an estimate.
 */
export const prices = {
  /** Copied from the AWS pricing pages (2025 list prices); not fetched by this tool. */
  asOf: '2025',
  region: 'us-east-1',
  apiGateway: {
    /** WebSocket messages, both directions, metered in 32 KB units: the first billion a month. */
    perMillionMessages: 1.0,
    /** Every message a month past the first billion. */
    perMillionMessagesAfterBillion: 0.8,
    perMillionConnectionMinutes: 0.25,
  },
  lambda: {
    perMillionRequests: 0.2,
    /** arm64. */
    perGbSecond: 0.0000133334,
  },
  dynamoDb: {
    /** On-demand. One write request unit per 1 KB written, per index written. */
    perMillionWriteUnits: 0.625,
    /** On-demand. An eventually consistent read of up to 4 KB is half a unit. */
    perMillionReadUnits: 0.125,
    /** GetRecords by a Lambda event source mapping is not charged. */
    streamReadsByLambda: 0,
  },
  kinesisVideo: {
    /** A signaling channel is billed for a month once anything connects to it that month. */
    perActiveChannelMonth: 0.03,
    /** Signaling messages sent and received; GetIceServerConfig is counted among them here (an assumption). */
    perMillionSignalingMessages: 2.25,
    /** TURN streaming, metered by the minute. */
    perThousandTurnMinutes: 0.12,
  },
  /** Data transfer out of AWS to the internet, the first 10 TB a month: what a TURN server of your own on EC2 pays to relay. */
  dataTransferOutPerGb: 0.09,
} as const;

/** The per-operation figures the model rests on; docs/performance.md says where each comes from. */
export const operationCosts = {
  lambdaMemoryGb: 0.25,
  /** Billed milliseconds per invocation, assumed for a warm arm64 function at 256 MB. */
  milliseconds: { connect: 12, disconnect: 10, subscribe: 15, publishBase: 15, perReceiver: 1, cleanup: 20, ping: 5 },
  /** Measured: test/e2e/request-costs.test.ts and npm run bench:disconnect. */
  dynamoDb: {
    connectWriteUnits: 2,
    subscribeWriteUnitsPerTopic: 2,
    disconnectWriteUnits: 2,
    cleanupReadUnits: 0.5,
    cleanupWriteUnitsPerTopic: 2,
    /** Directed signals: the peer id written on the subscription once per join, and on gsi1 (test/e2e/request-costs.test.ts). */
    peerIdWriteUnits: 2,
    /** A subscription item is about 150 bytes; half a read unit covers 4 KB of them. */
    subscriptionBytes: 150,
  },
  /** The predecessor's topic item: a room name and a string set of connection ids. */
  predecessorTopicItemBytes: (peersPerRoom: number) => 4 + 36 + 9 + 16 * peersPerRoom,
} as const;
