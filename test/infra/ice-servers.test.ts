import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { YWebrtcSignaling } from '../../infra/y-webrtc-signaling.js';
import { render, resourcesOf, logicalIdOf, synthesize } from './synthesize.js';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** The ICE servers function's role's statements, as `<actions> on <resources>`. */
function permissionsOf(synthesized: ReturnType<typeof synthesize>): string[] {
  const fn = synthesized.stack.signaling.iceServers!.function;
  const roleId = logicalIdOf(fn.role as never);
  const policies = Object.values(resourcesOf(synthesized.template, 'AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties['Roles'] as { Ref: string }[]).some((role) => role.Ref === roleId),
  );
  return policies
    .flatMap((policy) => (policy.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement)
    .map((statement) => {
      const actions = [statement.Action].flat().sort().join(',');
      const resources = [statement.Resource].flat().map(render).sort().join(' ');
      return `${actions} on ${resources}`;
    })
    .sort();
}

const turnUrls = ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp'];

describe('the ICE servers endpoint in the template', () => {
  it('is not there unless asked for', () => {
    const { template, stack } = synthesize();
    template.resourceCountIs('AWS::Lambda::Url', 0);
    expect(stack.signaling.iceServersUrl).toBeUndefined();
    template.resourceCountIs('AWS::KinesisVideo::SignalingChannel', 0);
  });

  describe('with a TURN server of your own (shared secret)', () => {
    const synthesized = synthesize({
      turnServer: { urls: turnUrls, secretName: 'signaling/turn', stunUrls: ['stun:turn.example.com:3478'] },
      jwtSecretName: 'signaling/jwt',
      signaling: { authorization: { issuer: 'me', audience: 'signaling', allowedOrigins: ['https://app.example.com'] } },
    });
    const { template, stack } = synthesized;
    const fnId = logicalIdOf(stack.signaling.iceServers!.function);

    it('serves GET on a function URL without IAM auth (the token is checked by the function), CORS from the allowed origins', () => {
      template.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'NONE',
        TargetFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Cors: { AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET'], AllowHeaders: ['authorization'], MaxAge: 3600 },
      });
      const outputs = template.findOutputs('IceServersUrl');
      expect(render(Object.values(outputs)[0]!['Value'])).toMatch(/\.FunctionUrlice-servers$/);
    });

    it('configures the source by variables, with the secret by ARN, never by value, and the same AUTH_* checks as $connect', () => {
      const variables = (resourcesOf(template, 'AWS::Lambda::Function')[fnId]!.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(variables).toMatchObject({ ICE_SOURCE: 'shared-secret', TURN_URLS: turnUrls.join(','), STUN_URLS: 'stun:turn.example.com:3478', TURN_CREDENTIAL_SECONDS: '3600', AUTH_ISSUER: 'me', AUTH_AUDIENCE: 'signaling', AUTH_ALLOWED_ORIGINS: 'https://app.example.com', ICE_REQUESTS_PER_WINDOW: '30', ICE_WINDOW_SECONDS: '60' });
      expect(render(variables['TURN_SECRET_ID'])).toContain('secret:signaling/turn');
      expect(render(variables['AUTH_JWT_SECRET_ID'])).toContain('secret:signaling/jwt');
      expect(render(variables['TABLE_NAME'])).toMatch(/^<.*Table/);
    });

    it('may read the two secrets and count in the table, nothing else', () => {
      const permissions = permissionsOf(synthesized);
      expect(permissions.filter((line) => line.startsWith('secretsmanager:'))).toEqual([
        expect.stringMatching(/^secretsmanager:DescribeSecret,secretsmanager:GetSecretValue on .*secret:signaling\/jwt-\?\?\?\?\?\?$/),
        expect.stringMatching(/^secretsmanager:DescribeSecret,secretsmanager:GetSecretValue on .*secret:signaling\/turn-\?\?\?\?\?\?$/),
      ]);
      expect(permissions.filter((line) => line.startsWith('dynamodb:'))).toEqual([expect.stringMatching(/^dynamodb:UpdateItem on <?[^ ]*Table[^ ]*\.Arn$/)]);
      expect(permissions.filter((line) => !/^(secretsmanager|dynamodb|logs):/.test(line))).toEqual([]);
    });

    it('passes cdk-nag with nothing unacknowledged', () => {
      const report = new AwsSolutionsChecks(synthesized.app).validateScope(synthesized.app);
      expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    });
  });

  describe('with Kinesis Video Streams', () => {
    const synthesized = synthesize({ kinesisVideoTurnChannels: 3 });
    const { template, stack } = synthesized;
    const channelIds = stack.signaling.iceServers!.channels.map((channel) => Stack.of(channel).resolve(channel.logicalId) as string);

    it('creates the pool of signaling channels and lists their ARNs for the function', () => {
      template.resourceCountIs('AWS::KinesisVideo::SignalingChannel', 3);
      const fnId = logicalIdOf(stack.signaling.iceServers!.function);
      const variables = (resourcesOf(template, 'AWS::Lambda::Function')[fnId]!.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(variables['ICE_SOURCE']).toBe('kinesis-video');
      expect(render(variables['KVS_CHANNEL_ARNS'])).toBe(channelIds.map((id) => `${id}.Arn`).join(','));
      expect(variables['TURN_SECRET_ID']).toBeUndefined();
      template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', Cors: Match.objectLike({ AllowOrigins: ['*'] }) });
    });

    it('warns at synth that without authorization anyone may mint credentials', () => {
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('iceServers without authorization'));
      expect(warnings).toHaveLength(1);
      expect(Annotations.fromStack(synthesize({ turnServer: { urls: turnUrls, secretName: 't' }, signaling: { authorization: { allowedOrigins: ['https://a.example'] } } }).stack).findWarning('*', Match.stringLikeRegexp('iceServers without'))).toEqual([]);
    });

    it('may make the two calls the source makes, on these channels only', () => {
      const permissions = permissionsOf(synthesized).filter((line) => line.startsWith('kinesisvideo:'));
      expect(permissions).toEqual([`kinesisvideo:GetIceServerConfig,kinesisvideo:GetSignalingChannelEndpoint on ${channelIds.map((id) => `${id}.Arn`).sort().join(' ')}`]);
      expect(permissionsOf(synthesized).filter((line) => line.startsWith('secretsmanager:'))).toEqual([]);
    });

    it('passes cdk-nag with nothing unacknowledged', () => {
      const report = new AwsSolutionsChecks(synthesized.app).validateScope(synthesized.app);
      expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    });
  });

  it('fails the synth on a TURN URL a browser would not take, and on a pool of no channels', () => {
    expect(() => synthesize({ turnServer: { urls: ['https://turn.example.com'], secretName: 'turn' } })).toThrow(/not a TURN URL/);
    expect(() =>
      synthesize({ signaling: { iceServers: { turn: { kind: 'kinesis-video', channels: 0 } } } }),
    ).toThrow(/channels must be a whole number from 1 to 100/);
  });

  it('takes a credential lifetime and a rate limit', () => {
    const app = new App();
    const stack = new Stack(app, 'Consumer');
    const signaling = new YWebrtcSignaling(stack, 'Signaling', {
      iceServers: {
        turn: { kind: 'shared-secret', turnUrls, secret: Secret.fromSecretNameV2(stack, 'Turn', 'turn'), credentialLifetime: Duration.minutes(20) },
        rateLimit: { requests: 5, window: Duration.seconds(10) },
      },
    });
    const fnId = logicalIdOf(signaling.iceServers!.function);
    const variables = (resourcesOf(Template.fromStack(stack), 'AWS::Lambda::Function')[fnId]!.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({ TURN_CREDENTIAL_SECONDS: '1200', ICE_REQUESTS_PER_WINDOW: '5', ICE_WINDOW_SECONDS: '10' });
    expect(variables['STUN_URLS']).toBeUndefined();
  });
});
