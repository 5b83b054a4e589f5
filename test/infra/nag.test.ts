import { App, Stack, Validations } from 'aws-cdk-lib';
import { TableEncryptionV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { YWebrtcSignaling } from '../../infra/y-webrtc-signaling.js';
import { synthesize } from './synthesize.js';

const everything = {
  alarmEmail: 'ops@example.com',
  customDomain: { domainName: 'signaling.example.com', hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' },
  signaling: {
    createApiGatewayLogsRole: true,
    authorization: { jwksUrl: 'https://idp.example.com/jwks.json', issuer: 'https://idp.example.com/', audience: 'signaling', allowedOrigins: ['https://app.example.com'] },
  },
};

function findingsOf(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks(scope).validateScope(scope);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`),
  );
}

/** Every acknowledgment in the tree: rule id, reason and where it was made. */
function acknowledgmentsOf(scope: IConstruct): { id: string; reason: string; path: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          // CDK files a rule id without a plugin prefix under Annotation::, where cdk-nag looks for it.
          id: id.replace(/^Annotation::/, ''),
          reason,
          path: construct.node.path,
        })),
      ),
  );
}

describe('cdk-nag AWS Solutions checks', () => {
  it('find nothing unacknowledged in the default stack', () => {
    const { app } = synthesize();
    expect(findingsOf(app)).toEqual([]);
  });

  it('find nothing unacknowledged with every option on: custom domain, alarm e-mail, logging role, authorizer', () => {
    const { app } = synthesize(everything);
    expect(findingsOf(app)).toEqual([]);
    // With the authorizer, $connect needs no acknowledgment for having no authorization.
    expect(acknowledgmentsOf(app).filter(({ id, path }) => id === 'AwsSolutions-APIG4' && path.includes('$connect'))).toEqual([]);
  });

  it('find nothing unacknowledged with the HS256 key in a Secrets Manager secret', () => {
    const { app } = synthesize({ jwtSecretName: 'signaling/jwt', signaling: { authorization: { issuer: 'me', audience: 'signaling' } } });
    expect(findingsOf(app)).toEqual([]);
  });

  it('find nothing unacknowledged with access logs turned off, which is acknowledged as a choice', () => {
    const { app } = synthesize({ signaling: { accessLogs: false } });
    expect(findingsOf(app)).toEqual([]);
    expect(acknowledgmentsOf(app).map(({ id }) => id)).toContain('AwsSolutions-APIG1');
  });

  it('find nothing unacknowledged with a customer managed table key', () => {
    const app = new App();
    const stack = new Stack(app, 'Keyed', { env: { region: 'eu-west-1' } });
    new YWebrtcSignaling(stack, 'Signaling', { tableEncryption: TableEncryptionV2.customerManagedKey(new Key(stack, 'Key', { enableKeyRotation: true })) });
    expect(findingsOf(app)).toEqual([]);
  });

  it('still report what nobody acknowledged', () => {
    const { app, stack } = synthesize();
    new Queue(stack, 'Careless');
    expect(findingsOf(app)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^error AwsSolutions-SQS3 at .*Careless/), expect.stringMatching(/^error AwsSolutions-SQS4 at .*Careless/)]),
    );
  });

  it('are acknowledged only where the design says why, each with a reason', () => {
    const { app } = synthesize(everything);
    const acknowledgments = acknowledgmentsOf(app);
    for (const { id, reason } of acknowledgments) expect(reason.trim().length, id).toBeGreaterThan(40);
    const byRule = [...new Set(acknowledgments.map(({ id }) => id.replace(/\[.*$/, '')))].sort();
    expect(byRule).toEqual(['AwsSolutions-APIG4', 'AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-SQS3']);
    const iam5 = acknowledgments.filter(({ id }) => id.startsWith('AwsSolutions-IAM5'));
    expect(iam5.map(({ id }) => id)).toEqual([expect.stringMatching(/\/prod\/POST\/@connections\/\*\]$/)]);
    expect(iam5[0]!.path).toMatch(/MessageRole$/);
  });
});
