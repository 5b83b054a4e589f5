import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routeSelectionExpression, routes, type RouteKey } from '../../src/gateway/routes.js';
import { logicalIdOf, render, resourcesOf, synthesize } from './synthesize.js';

describe('the WebSocket API', () => {
  const { template, stack } = synthesize();
  const routeResources = resourcesOf(template, 'AWS::ApiGatewayV2::Route');
  const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');
  const routeId = (key: RouteKey) => Object.entries(routeResources).find(([, route]) => route.Properties['RouteKey'] === key)![0];
  const integrationOf = (key: RouteKey) => {
    const target = routeResources[routeId(key)]!.Properties['Target'] as { 'Fn::Join': [string, [string, { Ref: string }]] };
    const [prefix, { Ref: id }] = target['Fn::Join'][1];
    expect(prefix).toBe('integrations/');
    return { id, resource: integrations[id]! };
  };

  it('selects routes by $request.body.type, the expression of src/gateway/routes.ts', () => {
    expect(routeSelectionExpression).toBe('$request.body.type');
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET', RouteSelectionExpression: routeSelectionExpression });
  });

  it('has exactly the routes of the route table', () => {
    expect(Object.values(routeResources).map((route) => route.Properties['RouteKey']).sort()).toEqual(Object.keys(routes).sort());
    expect(Object.keys(routes).sort()).toEqual(['$connect', '$default', '$disconnect', 'ping', 'publish', 'subscribe', 'unsubscribe']);
  });

  it('sends each function route to its function through a Lambda proxy integration', () => {
    for (const [key, target] of Object.entries(routes) as [RouteKey, (typeof routes)[RouteKey]][]) {
      if (target.kind !== 'function') continue;
      const { resource } = integrationOf(key);
      expect(resource.Properties['IntegrationType']).toBe('AWS_PROXY');
      const functionId = logicalIdOf(stack.signaling.functions[target.function]);
      expect(JSON.stringify(resource.Properties['IntegrationUri']), `${key} → ${target.function}`).toContain(`"${functionId}"`);
    }
    expect(integrationOf('subscribe').id).toBe(integrationOf('publish').id);
  });

  it('answers ping with {"type":"pong"} from a MOCK integration, without a function', () => {
    const pong = routes.ping.response;
    expect(JSON.parse(pong)).toEqual({ type: 'pong' });
    const { id, resource } = integrationOf('ping');
    expect(resource.Properties).toMatchObject({
      IntegrationType: 'MOCK',
      RequestTemplates: { $default: JSON.stringify({ statusCode: 200 }) },
      TemplateSelectionExpression: '\\$default',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::IntegrationResponse', {
      IntegrationId: { Ref: id },
      IntegrationResponseKey: '$default',
      ResponseTemplates: { $default: pong },
      TemplateSelectionExpression: '\\$default',
    });
    expect(routeResources[routeId('ping')]!.Properties['RouteResponseSelectionExpression']).toBe('$default');
    template.hasResourceProperties('AWS::ApiGatewayV2::RouteResponse', { RouteId: { Ref: routeId('ping') }, RouteResponseKey: '$default' });
    template.resourceCountIs('AWS::ApiGatewayV2::RouteResponse', 1);
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).map((p) => render(p.Properties['SourceArn']));
    expect(permissions.some((arn) => arn.endsWith('ping'))).toBe(false);
  });

  it('deploys a stage with default route throttling once every route exists', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'prod',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 500, ThrottlingRateLimit: 1000 },
    });
    const [stage] = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'));
    expect(stage!.DependsOn).toEqual(expect.arrayContaining(Object.keys(routeResources)));
  });

  it('logs every request as a JSON line to a log group of its own', () => {
    const [stage] = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'));
    const settings = stage!.Properties['AccessLogSettings'] as { DestinationArn: unknown; Format: string };
    expect(JSON.stringify(settings.DestinationArn)).toContain(logicalIdOf({ node: { defaultChild: stack.signaling.node.findChild('AccessLogs').node.defaultChild } }));
    expect(JSON.parse(settings.Format)).toMatchObject({ connectionId: '$context.connectionId', routeKey: '$context.routeKey', status: '$context.status' });
  });

  it('takes stage name, throttling and access logging as props', () => {
    const { template } = synthesize({ signaling: { stageName: 'dev', throttle: { rateLimit: 50, burstLimit: 20 }, accessLogs: false } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'dev',
      DefaultRouteSettings: { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 50 },
      AccessLogSettings: Match.absent(),
    });
    template.hasOutput('SignalingUrl', { Value: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['.execute-api.', '/dev'])] }) });
  });

  it('creates the account logging role only when asked, before the stage', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    const { template: withRole } = synthesize({ signaling: { createApiGatewayLogsRole: true } });
    const [accountId] = Object.keys(resourcesOf(withRole, 'AWS::ApiGateway::Account'));
    withRole.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
    withRole.hasResource('AWS::ApiGatewayV2::Stage', { DependsOn: Match.arrayWith([accountId]) });
    withRole.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] }),
    });
  });
});
