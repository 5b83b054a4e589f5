import { describe, expect, inject, it } from 'vitest';

/**
 * DynamoDB Local listens on every interface (docs/security.md, "Running it locally"). A web
 * page could still reach it at 127.0.0.1 from a browser, unless its answers refuse other
 * origins: they must carry no Access-Control-Allow-Origin, to a preflight or a request.
 */
const origin = 'https://attacker.example';
const listTables = {
  method: 'POST',
  headers: {
    origin,
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': 'DynamoDB_20120810.ListTables',
    authorization: 'AWS4-HMAC-SHA256 Credential=local/20261203/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  },
  body: '{}',
};

describe('DynamoDB Local and browsers', () => {
  it('answers a CORS preflight without allowing the origin', async () => {
    const response = await fetch(inject('dynamodbEndpoint'), {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target,authorization' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a request from a page of another origin without allowing it to read the answer', async () => {
    const response = await fetch(inject('dynamodbEndpoint'), listTables);
    // It does answer (any credentials pass): only the missing header keeps a browser from reading it.
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
