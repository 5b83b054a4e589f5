import { App, SecretValue } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { YWebrtcSignalingStack } from '../../infra/stack.js';
import { logicalIdOf, resourcesOf, synthesize } from './synthesize.js';

const jwks = { jwksUrl: 'https://idp.example.com/.well-known/jwks.json', issuer: 'https://idp.example.com/', audience: 'signaling', roomsClaim: 'custom:rooms' };

describe('authorization on $connect', () => {
  it('puts a Lambda REQUEST authorizer with the token as identity source on $connect only', () => {
    const { template, stack } = synthesize({ signaling: { authorization: jwks } });
    const authorizers = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]!.Properties).toMatchObject({ AuthorizerType: 'REQUEST', IdentitySource: ['route.request.querystring.token'] });
    expect(JSON.stringify(authorizers[0]!.Properties['AuthorizerUri'])).toContain(logicalIdOf(stack.signaling.authorizerFunction!));

    const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'));
    const connect = routes.find((route) => route.Properties['RouteKey'] === '$connect')!;
    expect(connect.Properties['AuthorizationType']).toBe('CUSTOM');
    for (const route of routes.filter((r) => r.Properties['RouteKey'] !== '$connect')) {
      expect(route.Properties['AuthorizationType'] ?? 'NONE').toBe('NONE');
    }
  });

  it('runs src/handlers/authorizer.ts on nodejs22.x arm64 with the AUTH_* settings the local runtime reads', () => {
    const { template, stack } = synthesize({ signaling: { authorization: { ...jwks, allowedOrigins: ['https://app.example.com', 'https://b.example.com'] } } });
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(stack.signaling.authorizerFunction!)]!;
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    expect((fn.Properties['Environment'] as { Variables: Record<string, string> }).Variables).toMatchObject({
      AUTH_JWKS_URL: jwks.jwksUrl,
      AUTH_ISSUER: jwks.issuer,
      AUTH_AUDIENCE: jwks.audience,
      AUTH_ROOMS_CLAIM: 'custom:rooms',
      AUTH_ALLOWED_ORIGINS: 'https://app.example.com,https://b.example.com',
    });
  });

  it('keeps a Secrets Manager secret out of the template as a dynamic reference', () => {
    const { template, stack } = synthesize({
      signaling: { authorization: { jwtSecret: SecretValue.secretsManager('signaling/jwt'), issuer: 'me', audience: 'signaling' } },
    });
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(stack.signaling.authorizerFunction!)]!;
    const secret = JSON.stringify((fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables['AUTH_JWT_SECRET']);
    expect(secret).toContain('{{resolve:secretsmanager:');
  });

  it('uses the Origin header as identity source when only origins are checked', () => {
    const { template } = synthesize({ signaling: { authorization: { allowedOrigins: ['https://app.example.com'] } } });
    const [authorizer] = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizer!.Properties['IdentitySource']).toEqual(['route.request.header.Origin']);
  });

  it('fails the synth when the settings would refuse every token', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new YWebrtcSignalingStack(app, 'Bad', { signaling: { authorization: { jwksUrl: jwks.jwksUrl } } })).toThrow(/AUTH_ISSUER and AUTH_AUDIENCE/);
  });

  it('has no authorizer unless asked for', () => {
    const { template, stack } = synthesize();
    expect(Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'))).toEqual([]);
    expect(stack.signaling.authorizerFunction).toBeUndefined();
  });

  it('reads the authorization settings from CDK context', async () => {
    const { appSettings } = await import('../../infra/app-context.js');
    const app = new App({ context: { authJwksUrl: jwks.jwksUrl, authIssuer: jwks.issuer, authAudience: jwks.audience } });
    expect(appSettings(app).stackProps.signaling?.authorization).toMatchObject({ jwksUrl: jwks.jwksUrl, issuer: jwks.issuer, audience: jwks.audience });
  });
});
