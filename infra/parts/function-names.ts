import type { FunctionName } from '../../src/gateway/routes.js';

/** The route table's functions plus the stream-driven cleanup. */
export type SignalingFunctionName = FunctionName | 'cleanup';

export const signalingFunctionNames = ['connect', 'message', 'disconnect', 'cleanup'] as const satisfies readonly SignalingFunctionName[];

/** Every function the construct may create: the authorizer only when authorization is configured. */
export type LambdaFunctionName = SignalingFunctionName | 'authorizer';

export const lambdaFunctionNames = [...signalingFunctionNames, 'authorizer'] as const satisfies readonly LambdaFunctionName[];
