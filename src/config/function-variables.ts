import { iceServersVariables } from './ice-servers.js';
import { joinOrderEnvironmentVariable } from './join-order.js';
import { signalDeliveryEnvironmentVariable } from './signal-delivery.js';

const powertools = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL'] as const;
const table = ['TABLE_NAME', joinOrderEnvironmentVariable] as const;

/**
 * The environment variables each function needs from its deployment. A function has a
 * default for most of them, which is why a variable the construct stopped setting would
 * show only as different behaviour on AWS: the local runtime checks the synthesized
 * template against this list before it starts (src/local/lambda/function-environment.ts).
 * The authorizer checks its AUTH_* variables itself.
 */
export const functionVariables = {
  authorizer: [...powertools],
  connect: [...table, ...powertools],
  message: [...table, signalDeliveryEnvironmentVariable, 'CONNECTIONS_ENDPOINT', ...powertools],
  disconnect: [...table, ...powertools],
  cleanup: [...table, ...powertools],
  iceServers: ['TABLE_NAME', iceServersVariables.source, ...powertools],
} as const satisfies Record<string, readonly string[]>;
