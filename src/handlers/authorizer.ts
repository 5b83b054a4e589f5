import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AuthConfig } from '../auth/auth-config.js';
import type { ConnectionAuthorizer } from '../auth/connection-authorizer.js';
import { currentAuthorizer } from '../auth/current-authorizer.js';
import { count, invocationLogger, metricNames, publishMetrics } from './observability.js';

export interface AuthorizerDependencies {
  readonly auth: AuthConfig;
  /** Reads the HS256 key at run time, when `auth` names a secret (`secretId`) instead of holding a key. */
  readonly readKey?: () => Promise<string>;
}

/**
 * The `$connect` REQUEST authorizer. A missing or bad token is answered by throwing
 * `Unauthorized` (API Gateway's way to say 401); a refused origin or room claim by a Deny
 * policy (403). The allowed rooms reach every later event in `requestContext.authorizer`.
 */
export function authorizerHandler({ auth, readKey }: AuthorizerDependencies) {
  const authorizerInUse = currentAuthorizer(auth, readKey);

  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const log = invocationLogger({ requestId: event.requestContext?.requestId });
    let authorizer: ConnectionAuthorizer;
    try {
      authorizer = await authorizerInUse();
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
  };
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
