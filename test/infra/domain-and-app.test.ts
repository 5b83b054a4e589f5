import { App, RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { appSettings } from '../../infra/app-context.js';
import { logicalIdOf, render, resourcesOf, synthesize } from './synthesize.js';

const customDomain = { domainName: 'signaling.example.com', hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' };

describe('a custom domain', () => {
  const { template, stack } = synthesize({ customDomain });

  it('gets a certificate validated through DNS in the hosted zone', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: customDomain.domainName,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: customDomain.domainName, HostedZoneId: customDomain.hostedZoneId }],
    });
  });

  it('is a regional API Gateway domain name mapped to the stage', () => {
    const [certificateId] = Object.keys(resourcesOf(template, 'AWS::CertificateManager::Certificate'));
    const [domainId] = Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::DomainName'));
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: customDomain.domainName,
      DomainNameConfigurations: [{ CertificateArn: { Ref: certificateId }, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
    });
    template.hasResource('AWS::ApiGatewayV2::ApiMapping', {
      Properties: { ApiId: { Ref: logicalIdOf(stack.signaling.api) }, DomainName: { Ref: domainId }, Stage: 'prod' },
      DependsOn: [logicalIdOf(stack.signaling.stage)],
    });
  });

  it('has an alias record in the zone', () => {
    const [domainId] = Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::DomainName'));
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `${customDomain.domainName}.`,
      Type: 'A',
      HostedZoneId: customDomain.hostedZoneId,
      AliasTarget: {
        DNSName: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] },
        HostedZoneId: { 'Fn::GetAtt': [domainId, 'RegionalHostedZoneId'] },
      },
    });
  });

  it('is the URL the stack hands out; the functions still manage connections through execute-api', () => {
    template.hasOutput('SignalingUrl', { Value: `wss://${customDomain.domainName}` });
    const message = resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(stack.signaling.functions.message)]!;
    const endpoint = (message.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables['CONNECTIONS_ENDPOINT'];
    expect(render(endpoint)).toMatch(/\.execute-api\..*\/prod$/);
  });
});

describe('the outputs without a custom domain', () => {
  const { template, stack } = synthesize();

  it('are the stage URL, the table name and the dashboard name', () => {
    const outputs = template.findOutputs('*');
    expect(render(outputs['SignalingUrl']!['Value'])).toBe(`wss://<${logicalIdOf(stack.signaling.api)}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/prod`);
    expect(outputs['TableName']!['Value']).toEqual({ Ref: logicalIdOf(stack.signaling.table) });
    expect(outputs['DashboardName']!['Value']).toEqual({ Ref: logicalIdOf(stack.signaling.dashboard) });
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
  });
});

describe('the app settings from CDK context', () => {
  const settingsOf = (context: Record<string, unknown>) => appSettings(new App({ context }));

  it('default to a stack named YWebrtcSignaling with the construct defaults', () => {
    const { stackName, stackProps } = settingsOf({});
    expect(stackName).toBe('YWebrtcSignaling');
    expect(stackProps.customDomain).toBeUndefined();
    expect(stackProps.alarmEmail).toBeUndefined();
    expect(stackProps.signaling).toMatchObject({ removalPolicy: undefined, deletionProtection: undefined, throttle: undefined });
  });

  it('read the domain, alarm address, stage, throttling, logging and disposability', () => {
    const { stackName, stackProps } = settingsOf({
      stackName: 'SignalingDev',
      domainName: customDomain.domainName,
      hostedZoneId: customDomain.hostedZoneId,
      hostedZoneName: customDomain.zoneName,
      alarmEmail: 'ops@example.com',
      stageName: 'dev',
      throttleRateLimit: '100',
      throttleBurstLimit: '50',
      logLevel: 'DEBUG',
      accessLogs: 'false',
      createApiGatewayLogsRole: 'true',
      disposable: 'true',
    });
    expect(stackName).toBe('SignalingDev');
    expect(stackProps.customDomain).toEqual(customDomain);
    expect(stackProps.alarmEmail).toBe('ops@example.com');
    expect(stackProps.signaling).toMatchObject({
      stageName: 'dev',
      throttle: { rateLimit: 100, burstLimit: 50 },
      logLevel: 'DEBUG',
      accessLogs: false,
      createApiGatewayLogsRole: true,
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: false,
    });
  });

  it('refuse a domain without its hosted zone, and a throttle that is not a number', () => {
    expect(() => settingsOf({ domainName: customDomain.domainName })).toThrow(/hostedZoneId/);
    expect(() => settingsOf({ throttleRateLimit: 'fast', throttleBurstLimit: '1' })).toThrow(/number/);
  });
});
