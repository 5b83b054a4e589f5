import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { appSettings } from '../../infra/app-context.js';
import { describe, expect, it } from 'vitest';
import { YWebrtcSignalingStack } from '../../infra/stack.js';
import { logicalIdOf, resourcesOf, synthesize } from './synthesize.js';

const contextWithSecret = { authSecretName: 'signaling/jwt', authIssuer: 'me', authAudience: 'signaling' };
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

  it('runs src/lambda/authorizer.ts on nodejs22.x arm64 with the AUTH_* settings the local runtime reads', () => {
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

  it('reads the HS256 key from Secrets Manager at run time: only the secret ARN is in the function, and only the authorizer may read it', () => {
    const app = new App({ context: { ...contextWithSecret } });
    const { stackName, stackProps } = appSettings(app);
    const stack = new YWebrtcSignalingStack(app, stackName, stackProps);
    const template = Template.fromStack(stack);
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(stack.signaling.authorizerFunction!)]!;
    const variables = (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(variables).not.toHaveProperty('AUTH_JWT_SECRET');
    expect(JSON.stringify(variables['AUTH_JWT_SECRET_ID'])).toContain(':secret:signaling/jwt');
    expect(JSON.stringify(template.toJSON())).not.toContain('resolve:secretsmanager');

    const readers = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((policy) => JSON.stringify(policy).includes('secretsmanager:'));
    expect(readers).toHaveLength(1);
    expect(JSON.stringify(readers[0]!.Properties['Roles'])).toContain(logicalIdOf(stack.signaling.authorizerFunction!.role! as never));
    const statements = (readers[0]!.Properties['PolicyDocument'] as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement;
    const secretStatement = statements.find((statement) => JSON.stringify(statement.Action).includes('secretsmanager:'))!;
    expect([secretStatement.Action].flat().sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect(JSON.stringify(secretStatement.Resource)).toContain(':secret:signaling/jwt-??????');
  });

  it('uses the Origin header as identity source when only origins are checked', () => {
    const { template } = synthesize({ signaling: { authorization: { allowedOrigins: ['https://app.example.com'] } } });
    const [authorizer] = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizer!.Properties['IdentitySource']).toEqual(['route.request.header.Origin']);
  });

  it('fails the synth when the settings would refuse every token', () => {
    const app = new App();
    expect(() => new YWebrtcSignalingStack(app, 'Bad', { signaling: { authorization: { jwksUrl: jwks.jwksUrl } } })).toThrow(/AUTH_ISSUER and AUTH_AUDIENCE/);
  });

  it('has no authorizer unless asked for', () => {
    const { template, stack } = synthesize();
    expect(Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'))).toEqual([]);
    expect(stack.signaling.authorizerFunction).toBeUndefined();
  });

  it('reads the authorization settings from CDK context', () => {
    const app = new App({ context: { authJwksUrl: jwks.jwksUrl, authIssuer: jwks.issuer, authAudience: jwks.audience } });
    expect(appSettings(app).stackProps.signaling?.authorization).toMatchObject({ jwksUrl: jwks.jwksUrl, issuer: jwks.issuer, audience: jwks.audience });
  });
});
