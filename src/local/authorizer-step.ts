import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

/** A Lambda REQUEST authorizer, as API Gateway calls it before `$connect`. */
export type AuthorizerFunction = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

export type AuthorizerVerdict =
  /** `context` reaches every event of the connection as `requestContext.authorizer`. */
  | { readonly allowed: true; readonly context: Record<string, unknown> }
  /** The handshake's HTTP status. */
  | { readonly allowed: false; readonly status: 401 | 403 | 500 };

/**
 * Runs the authorizer as API Gateway does: a thrown `Unauthorized` is 401, a policy with a
 * Deny in it 403, any other failure 500; an Allow passes on the context with the principal.
 */
export async function authorizeHandshake(
  authorizer: AuthorizerFunction,
  event: APIGatewayRequestAuthorizerEvent,
): Promise<AuthorizerVerdict> {
  let allowed: boolean;
  let result: APIGatewayAuthorizerResult;
  try {
    result = await authorizer(event);
    allowed = allowsEverything(result);
  } catch (error) {
    return { allowed: false, status: error instanceof Error && error.message === 'Unauthorized' ? 401 : 500 };
  }
  if (!allowed) return { allowed: false, status: 403 };
  return { allowed: true, context: { ...(result.context ?? {}), principalId: result.principalId } };
}

/** Throws on a result without a policy, which API Gateway answers with 500. */
function allowsEverything(result: APIGatewayAuthorizerResult): boolean {
  const statements = result.policyDocument.Statement;
  // Nothing allowed is denied: API Gateway denies by default.
  return statements.length > 0 && statements.every((statement) => 'Effect' in statement && statement.Effect === 'Allow');
}
