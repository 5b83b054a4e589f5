/**
 * What the functions publish and under which names: read by the handlers, which count, and
 * by the CDK construct, which draws and alarms on the same names. No side effects, so the
 * construct can import it without loading Powertools.
 */
export const defaultServiceName = 'y-webrtc-signaling';
export const defaultMetricsNamespace = 'YWebrtcSignaling';

/** Every metric the functions publish; docs/operations.md explains each one. */
export const metricNames = {
  connectionsOpened: 'ConnectionsOpened',
  connectionsClosed: 'ConnectionsClosed',
  connectionsUnauthorized: 'ConnectionsUnauthorized',
  connectionsForbidden: 'ConnectionsForbidden',
  subscribes: 'Subscribes',
  subscribedTopics: 'SubscribedTopics',
  unsubscribes: 'Unsubscribes',
  publishes: 'Publishes',
  receiversPerPublish: 'ReceiversPerPublish',
  deliveries: 'Deliveries',
  staleReceivers: 'StaleReceivers',
  deliveryFailures: 'DeliveryFailures',
  directedSignals: 'DirectedSignals',
  sharedPeerIds: 'SharedPeerIds',
  pings: 'PingsViaFunction',
  rejectedMessages: 'RejectedMessages',
  handlerErrors: 'HandlerErrors',
  connectionsCleanedUp: 'ConnectionsCleanedUp',
  cleanupEdgesDeleted: 'CleanupEdgesDeleted',
  connectionsReapedByTtl: 'ConnectionsReapedByTtl',
  iceServerRequests: 'IceServerRequests',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

/** The dimension `RejectedMessages` carries beside `service`, so each reason is its own series. */
export const rejectionReasonDimension = 'reason';

/** The dimension `IceServerRequests` carries beside `service`, so each outcome is its own series. */
export const iceServersOutcomeDimension = 'outcome';

/** What became of a request for ICE servers: each is a value of `outcome`. */
export const iceServersOutcomes = ['issued', 'unauthorized', 'forbidden', 'limited', 'bad-request', 'unavailable'] as const;
export type IceServersOutcome = (typeof iceServersOutcomes)[number];
