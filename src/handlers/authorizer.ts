import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authConfigFromEnvironment, type AuthConfig } from '../auth/auth-config.js';
import { ConnectionAuthorizer } from '../auth/connection-authorizer.js';
import { SecretsManagerKey } from '../auth/secrets-manager-key.js';
import { ConfigurationError } from '../config/limits.js';
import { count, invocationLogger, logger, metricNames, publishMetrics } from './observability.js';

let settings: AuthConfig | undefined;
let secretKey: SecretsManagerKey | undefined;
let current: { readonly instance: ConnectionAuthorizer; readonly key: string | undefined } | undefined;

/**
 * The `$connect` REQUEST authorizer. A missing or bad token is answered by throwing
 * `Unauthorized` (API Gateway's way to say 401); a refused origin or room claim by a Deny
 * policy (403). The allowed rooms reach every later event in `requestContext.authorizer`.
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const log = invocationLogger({ requestId: event.requestContext?.requestId });
  let authorizer: ConnectionAuthorizer;
  try {
    authorizer = await currentAuthorizer();
  } catch (error) {
    // Every connection is refused (500) until this is fixed: HandlerErrors raises the alarm.
    count(metricNames.handlerErrors);
    log.error('could not set up the authorizer', { error: error as Error });
    publishMetrics();
    throw error;
  }
  try {
    const decision = await authorizer.authorize({
      token: event.queryStringParameters?.['token'],
      origin: header(event, 'origin'),
    });
    if (decision.kind === 'unauthorized') {
      count(metricNames.connectionsUnauthorized);
      log.warn('connection refused', { status: 401, reason: decision.reason });
      throw new Error('Unauthorized');
    }
    if (decision.kind === 'forbidden') {
      count(metricNames.connectionsForbidden);
      log.warn('connection refused', { status: 403, reason: decision.reason });
      return policy('anonymous', 'Deny', event.methodArn, {});
    }
    return policy(decision.principalId, 'Allow', event.methodArn, decision.context);
  } finally {
    publishMetrics();
  }
}

/** One per container; made again only when the key read from Secrets Manager has changed. */
async function currentAuthorizer(): Promise<ConnectionAuthorizer> {
  settings ??= requiredSettings();
  if (!settings.secretId) {
    current ??= { instance: new ConnectionAuthorizer(settings), key: undefined };
    return current.instance;
  }
  secretKey ??= new SecretsManagerKey(settings.secretId, (error) => {
    count(metricNames.handlerErrors);
    logger.error('could not read the token key again; the previous key stays in use', { error: error as Error });
  });
  const key = await secretKey.current();
  if (current?.key !== key) current = { instance: new ConnectionAuthorizer({ ...settings, secret: key }), key };
  return current.instance;
}

function requiredSettings(): AuthConfig {
  const config = authConfigFromEnvironment();
  if (!config) throw new ConfigurationError('the authorizer is deployed but no AUTH_* variable is set');
  return config;
}

function policy(
  principalId: string,
  effect: 'Allow' | 'Deny',
  resource: string,
  context: Readonly<Record<string, string>>,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
    context,
  };
}

function header(event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key ? headers[key] : undefined;
}
