import { RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { YWebrtcSignalingStackProps } from './stack.js';
import type { AuthorizationProps, LogLevel } from 'y-webrtc-signaling-serverless';

/**
 * The app's settings, from CDK context (`cdk deploy -c key=value`, or `context` in
 * cdk.json). docs/deploy.md lists them. Nothing here looks anything up in the account, so
 * synth needs no credentials and no network.
 */
export interface AppSettings {
  readonly stackName: string;
  readonly stackProps: YWebrtcSignalingStackProps;
}

export function appSettings(app: Construct): AppSettings {
  const get = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const flag = (key: string): boolean | undefined => {
    const value = get(key);
    return value === undefined ? undefined : value === 'true';
  };
  const number = (key: string): number | undefined => {
    const value = get(key);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new Error(`context ${key} must be a number, got "${value}"`);
    return parsed;
  };

  const domainName = get('domainName');
  const hostedZoneId = get('hostedZoneId');
  const hostedZoneName = get('hostedZoneName');
  if (domainName && !(hostedZoneId && hostedZoneName)) {
    throw new Error('context domainName needs hostedZoneId and hostedZoneName as well');
  }
  const rateLimit = number('throttleRateLimit');
  const burstLimit = number('throttleBurstLimit');
  // Off for throwaway stacks: the table goes with the stack.
  const disposable = flag('disposable') ?? false;
  const authorization = authorizationSettings(get);

  return {
    stackName: get('stackName') ?? 'YWebrtcSignaling',
    stackProps: {
      description: 'y-webrtc signaling on API Gateway WebSocket, Lambda and DynamoDB',
      alarmEmail: get('alarmEmail'),
      jwtSecretName: get('authSecretName'),
      turnServer: turnServerSettings(get),
      kinesisVideoTurnChannels: number('kvsTurnChannels'),
      signaling: {
        stageName: get('stageName'),
        logLevel: get('logLevel') as LogLevel | undefined,
        throttle: rateLimit !== undefined && burstLimit !== undefined ? { rateLimit, burstLimit } : undefined,
        removalPolicy: disposable ? RemovalPolicy.DESTROY : undefined,
        deletionProtection: disposable ? false : undefined,
        accessLogs: flag('accessLogs'),
        createApiGatewayLogsRole: flag('createApiGatewayLogsRole'),
        authorization,
      },
      customDomain: domainName && hostedZoneId && hostedZoneName ? { domainName, hostedZoneId, zoneName: hostedZoneName } : undefined,
    },
  };
}

/**
 * `authJwksUrl`, or `authSecretName` (a Secrets Manager secret holding the HS256 key, which
 * the stack imports as `jwtSecretName`), with `authIssuer` and `authAudience`; `authRoomsClaim`
 * and `authAllowedOrigins` (comma-separated).
 */
function authorizationSettings(get: (key: string) => string | undefined): AuthorizationProps | undefined {
  const jwksUrl = get('authJwksUrl');
  const secretName = get('authSecretName');
  const allowedOrigins = get('authAllowedOrigins')?.split(',').map((origin) => origin.trim()).filter(Boolean);
  if (!jwksUrl && !secretName && !allowedOrigins?.length) return undefined;
  return {
    ...(jwksUrl ? { jwksUrl } : {}),
    issuer: get('authIssuer'),
    audience: get('authAudience'),
    roomsClaim: get('authRoomsClaim'),
    ...(allowedOrigins?.length ? { allowedOrigins } : {}),
  };
}

/** `turnUrls` (comma-separated) and `turnSecretName` (the Secrets Manager secret with the TURN server's shared secret), optional `turnStunUrls`. */
function turnServerSettings(get: (key: string) => string | undefined): YWebrtcSignalingStackProps['turnServer'] {
  const split = (value: string | undefined) => value?.split(',').map((entry) => entry.trim()).filter(Boolean) ?? [];
  const urls = split(get('turnUrls'));
  const secretName = get('turnSecretName');
  if (urls.length === 0 && !secretName) return undefined;
  if (urls.length === 0 || !secretName) throw new Error('context turnUrls and turnSecretName go together: the TURN server and its shared secret');
  const stunUrls = split(get('turnStunUrls'));
  return { urls, secretName, ...(stunUrls.length ? { stunUrls } : {}) };
}
