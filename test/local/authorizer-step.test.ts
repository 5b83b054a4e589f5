import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { requestAuthorizerEvent } from '../../src/gateway/event-builders.js';
import { authorizeHandshake } from '../../src/local/authorizer-step.js';

const event = requestAuthorizerEvent(
  { apiId: 'local', stage: 'local', domainName: '127.0.0.1:4444' },
  { connectionId: 'c', connectedAt: 1, sourceIp: '127.0.0.1' },
);

function policy(effect: 'Allow' | 'Deny', context?: APIGatewayAuthorizerResult['context']): APIGatewayAuthorizerResult {
  return {
    principalId: 'user-1',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn }] },
    ...(context ? { context } : {}),
  };
}

describe('the authorizer step', () => {
  it('passes on the context of an Allow, with the principal', async () => {
    const verdict = await authorizeHandshake(async () => policy('Allow', { rooms: '["a"]' }), event);
    expect(verdict).toEqual({ allowed: true, context: { rooms: '["a"]', principalId: 'user-1' } });
  });

  it('hands the authorizer the event it is given', async () => {
    let seen: APIGatewayRequestAuthorizerEvent | undefined;
    await authorizeHandshake(async (received) => ((seen = received), policy('Allow')), event);
    expect(seen).toBe(event);
  });

  it.each([
    ['a thrown Unauthorized', () => Promise.reject(new Error('Unauthorized')), 401],
    ['a Deny', () => Promise.resolve(policy('Deny')), 403],
    ['a policy without statements', () => Promise.resolve({ ...policy('Allow'), policyDocument: { Version: '2012-10-17', Statement: [] } }), 403],
    ['any other error', () => Promise.reject(new Error('no key')), 500],
    ['a result without a policy', () => Promise.resolve({ principalId: 'x' } as APIGatewayAuthorizerResult), 500],
  ])('answers %s with %i, as API Gateway does', async (_, authorizer, status) => {
    expect(await authorizeHandshake(authorizer, event)).toEqual({ allowed: false, status });
  });
});
