import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { LambdaFunctionName } from './function-names.js';
import { handlerCode, handlerExport } from './handler-code.js';
import { acknowledgeNagFinding } from './nag.js';

export interface SignalingFunctionOptions {
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  readonly environment: Record<string, string>;
  readonly sourceMapStackTraces: boolean;
}

/** Longest run of each function: message must answer within API Gateway's 29 s integration timeout. */
const timeouts: Record<LambdaFunctionName, Duration> = {
  authorizer: Duration.seconds(10),
  connect: Duration.seconds(10),
  message: Duration.seconds(29),
  disconnect: Duration.seconds(10),
  cleanup: Duration.seconds(60),
  // A caller waits for it; a throttled Kinesis Video source retries for up to 5 s.
  iceServers: Duration.seconds(10),
};

const descriptions: Record<LambdaFunctionName, string> = {
  authorizer: 'y-webrtc signaling: $connect REQUEST authorizer (JWT in ?token=, room scope, origins)',
  connect: 'y-webrtc signaling: $connect stores the connection',
  message: 'y-webrtc signaling: subscribe, unsubscribe, publish and $default',
  disconnect: 'y-webrtc signaling: $disconnect deletes the connection',
  cleanup: 'y-webrtc signaling: deletes the subscriptions of removed connections (table stream)',
  iceServers: 'y-webrtc signaling: ICE servers with short-lived TURN credentials (function URL, GET /ice-servers)',
};

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * One handler of src/handlers as a Lambda function running its prebuilt bundle, with a role of its own that at first
 * may only write to the function's own log group: every other permission is granted
 * explicitly (see permissions.ts).
 */
export function createSignalingFunction(scope: Construct, name: LambdaFunctionName, options: SignalingFunctionOptions): LambdaFunction {
  const id = pascal(name);
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: options.logRetention, removalPolicy: RemovalPolicy.DESTROY });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of the ${name} function`,
  });
  logGroup.grantWrite(role);
  const fn = new LambdaFunction(scope, `${id}Function`, {
    code: handlerCode(name),
    handler: handlerExport,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: options.memorySize,
    timeout: timeouts[name],
    description: descriptions[name],
    role,
    logGroup,
    environment: {
      ...options.environment,
      ...(options.sourceMapStackTraces ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
    },
  });
  acknowledgeNagFinding(
    fn,
    'AwsSolutions-L1',
    'nodejs22.x is the runtime this code is built for (esbuild target node22) and tested on; a move to a newer runtime is a deliberate upgrade with its own test run, not a side effect of a new CDK release.',
  );
  return fn;
}
