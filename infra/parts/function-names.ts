import type { FunctionName } from '../../src/gateway/routes.js';

/** The route table's functions plus the stream-driven cleanup. */
export type SignalingFunctionName = FunctionName | 'cleanup';

export const signalingFunctionNames = ['connect', 'message', 'disconnect', 'cleanup'] as const satisfies readonly SignalingFunctionName[];

/**
 * Every function the construct may create: the authorizer only when authorization is
 * configured, the ICE servers function only when `iceServers` is.
 */
export type LambdaFunctionName = SignalingFunctionName | 'authorizer' | 'iceServers';

export const lambdaFunctionNames = [...signalingFunctionNames, 'authorizer', 'iceServers'] as const satisfies readonly LambdaFunctionName[];
