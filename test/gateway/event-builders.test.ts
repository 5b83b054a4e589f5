import { describe, expect, it } from 'vitest';
import {
  connectEvent,
  connectMethodArn,
  disconnectEvent,
  messageEvent,
  requestAuthorizerEvent,
  type ApiEndpoint,
  type ConnectionFacts,
} from '../../src/gateway/event-builders.js';

const api: ApiEndpoint = { apiId: 'abc123', stage: 'production', domainName: 'abc123.execute-api.eu-west-1.amazonaws.com' };
const connection: ConnectionFacts = {
  connectionId: 'L0SM9cOFvHcCIhw=',
  connectedAt: 1_700_000_000_000,
  sourceIp: '203.0.113.7',
  userAgent: 'y-webrtc',
  authorizer: { principalId: 'user-1', rooms: '["a"]' },
};
const stamp = { requestId: 'request-1', requestTimeEpoch: 1_700_000_000_500 };

describe('WebSocket proxy events', () => {
  it('$connect carries the handshake headers and query, single and multi-valued', () => {
    const event = connectEvent(api, connection, {
      ...stamp,
      headers: { host: 'example.org', 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] },
      query: 'token=t&room=a&room=b',
    });
    expect(event).toEqual({
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT',
        connectionId: connection.connectionId,
        connectedAt: connection.connectedAt,
        requestId: 'request-1',
        requestTimeEpoch: 1_700_000_000_500,
        domainName: api.domainName,
        stage: 'production',
        apiId: 'abc123',
        messageDirection: 'IN',
        identity: { sourceIp: '203.0.113.7', userAgent: 'y-webrtc' },
        authorizer: { principalId: 'user-1', rooms: '["a"]' },
      },
      isBase64Encoded: false,
      headers: { host: 'example.org', 'x-forwarded-for': '1.1.1.1,2.2.2.2' },
      multiValueHeaders: { host: ['example.org'], 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] },
      queryStringParameters: { token: 't', room: 'b' },
      multiValueQueryStringParameters: { token: ['t'], room: ['a', 'b'] },
    });
  });

  it('$connect without a query string has no query fields, as on AWS', () => {
    const event = connectEvent(api, connection, { headers: {} });
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('multiValueQueryStringParameters');
  });

  it('a message is routed by its body unless a route is given, and gets a message id', () => {
    const subscribe = messageEvent(api, connection, { body: '{"type":"subscribe","topics":["a"]}', ...stamp });
    expect(subscribe).toMatchObject({
      requestContext: { routeKey: 'subscribe', eventType: 'MESSAGE', requestId: 'request-1', messageId: expect.any(String) },
      body: '{"type":"subscribe","topics":["a"]}',
      isBase64Encoded: false,
    });
    expect(messageEvent(api, connection, { body: 'not json' }).requestContext.routeKey).toBe('$default');
    const given = messageEvent(api, connection, { body: 'eyJ9', routeKey: '$default', isBase64Encoded: true, messageId: 'm-1' });
    expect(given).toMatchObject({ requestContext: { routeKey: '$default', messageId: 'm-1' }, isBase64Encoded: true });
  });

  it('$disconnect carries the close code and reason', () => {
    const event = disconnectEvent(api, connection, { statusCode: 1001, reason: 'Going away', ...stamp });
    expect(event).toMatchObject({
      requestContext: { routeKey: '$disconnect', eventType: 'DISCONNECT', disconnectStatusCode: 1001, disconnectReason: 'Going away' },
      isBase64Encoded: false,
    });
    expect(event).not.toHaveProperty('body');
  });

  it('leaves out what a connection does not have', () => {
    const { requestContext } = connectEvent(api, { connectionId: 'c', connectedAt: 1, sourceIp: '127.0.0.1' });
    expect(requestContext).not.toHaveProperty('authorizer');
    expect(requestContext.identity).toEqual({ sourceIp: '127.0.0.1' });
  });

  it('gives each request its own id and the present time unless told', () => {
    const before = Date.now();
    const [first, second] = [messageEvent(api, connection, { body: 'x' }), messageEvent(api, connection, { body: 'x' })];
    expect(first.requestContext.requestId).not.toBe(second.requestContext.requestId);
    expect(first.requestContext.messageId).not.toBe(second.requestContext.messageId);
    expect(first.requestContext.requestTimeEpoch).toBeGreaterThanOrEqual(before);
  });
});

describe('the REQUEST authorizer event', () => {
  it('names the $connect method and carries the handshake, with empty query maps when there is none', () => {
    const withoutAuthorizer = { connectionId: 'c', connectedAt: 1, sourceIp: '127.0.0.1' };
    const event = requestAuthorizerEvent({ ...api, region: 'eu-west-1', accountId: '123456789012' }, withoutAuthorizer, {
      ...stamp,
      headers: { origin: 'https://app.example' },
    });
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/production/$connect',
      headers: { origin: 'https://app.example' },
      multiValueHeaders: { origin: ['https://app.example'] },
      queryStringParameters: {},
      multiValueQueryStringParameters: {},
      stageVariables: {},
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', connectionId: 'c', requestId: 'request-1' },
    });
    expect(requestAuthorizerEvent(api, withoutAuthorizer, { query: { token: 't' } }).queryStringParameters).toEqual({ token: 't' });
  });

  it('defaults the ARN to the local region and account', () => {
    expect(connectMethodArn({ apiId: 'local', stage: 'local', domainName: '127.0.0.1:4444' })).toBe(
      'arn:aws:execute-api:local:000000000000:local/local/$connect',
    );
  });
});
