import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { authConfigFromEnvironment, checksTokens } from '../../src/auth/auth-config.js';
import { createSignalingFunction } from './functions.js';

/** Who may connect: docs/security.md. At least one of `jwtSecret`, `jwksUrl` and `allowedOrigins`. */
export interface AuthorizationProps {
  /**
   * A Secrets Manager secret whose secret string is the HS256 key, at least 32 bytes. The
   * authorizer reads it when it runs (cached for 5 minutes, so a rotated key takes effect
   * within that time): the key is in neither the template nor the function's configuration.
   * @default - no shared secret
   */
  readonly jwtSecret?: ISecret;
  /**
   * JWKS URL of the identity provider, for RS256/ES256 tokens (Cognito, Auth0, ...).
   * @default - no JWKS
   */
  readonly jwksUrl?: string;
  /** Required `iss` of the tokens; needed with `jwtSecret` or `jwksUrl`. */
  readonly issuer?: string;
  /** Required `aud` of the tokens; needed with `jwtSecret` or `jwksUrl`. */
  readonly audience?: string;
  /**
   * The token claim listing the rooms it may use (`name`, `prefix*`).
   * @default 'rooms'
   */
  readonly roomsClaim?: string;
  /**
   * Origins allowed to open a connection.
   * @default - any origin
   */
  readonly allowedOrigins?: readonly string[];
}

export interface ConnectAuthorizer {
  readonly function: LambdaFunction;
  readonly authorizer: WebSocketLambdaAuthorizer;
}

/** Stands in for a value known only at deploy time (such as a secret's ARN), to check the settings at synth. */
const deployTimePlaceholder = 'deploy-time-value';

/** The AUTH_* variables for these props: the authorizer's, and the ICE servers function's, which applies the same checks. */
export function authorizationEnvironment(props: AuthorizationProps): Record<string, string> {
  return {
    ...(props.jwtSecret ? { AUTH_JWT_SECRET_ID: props.jwtSecret.secretArn } : {}),
    ...(props.jwksUrl ? { AUTH_JWKS_URL: props.jwksUrl } : {}),
    ...(props.issuer ? { AUTH_ISSUER: props.issuer } : {}),
    ...(props.audience ? { AUTH_AUDIENCE: props.audience } : {}),
    ...(props.roomsClaim ? { AUTH_ROOMS_CLAIM: props.roomsClaim } : {}),
    ...(props.allowedOrigins?.length ? { AUTH_ALLOWED_ORIGINS: props.allowedOrigins.join(',') } : {}),
  };
}

/**
 * The `$connect` REQUEST authorizer: src/lambda/authorizer.ts as a function, configured by
 * the same AUTH_* variables the local runtime reads. The settings are checked at synth, so a
 * missing issuer fails `cdk synth`, not every connection.
 */
export function createConnectAuthorizer(
  scope: Construct,
  props: AuthorizationProps,
  common: { readonly logRetention: RetentionDays; readonly environment: Record<string, string>; readonly sourceMapStackTraces: boolean },
): ConnectAuthorizer {
  const environment = authorizationEnvironment(props);
  const checked = Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, Token.isUnresolved(value) ? deployTimePlaceholder : value]),
  );
  const config = authConfigFromEnvironment(checked);
  if (!config) throw new Error('authorization needs jwtSecret, jwksUrl or allowedOrigins');

  const fn = createSignalingFunction(scope, 'authorizer', {
    memorySize: 256,
    logRetention: common.logRetention,
    environment: { ...common.environment, ...environment },
    sourceMapStackTraces: common.sourceMapStackTraces,
  });
  props.jwtSecret?.grantRead(fn);
  // API Gateway answers 401 itself, without invoking the function, when the identity source is missing.
  const identitySource = checksTokens(config) ? ['route.request.querystring.token'] : ['route.request.header.Origin'];
  const authorizer = new WebSocketLambdaAuthorizer('ConnectAuthorizer', fn, { identitySource });
  return { function: fn, authorizer };
}
