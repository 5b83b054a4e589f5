import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionBundle, projectRoot } from '../../infra/scripts/function-bundle.js';
import { handlerBundleDirectory } from '../../infra/parts/handler-code.js';
import { lambdaFunctionNames } from '../../infra/parts/function-names.js';
import { routes } from '../../src/gateway/routes.js';
import { offlineEnvironment, withoutNetwork } from '../support/offline.js';

/**
 * `cdk synth` of the real app, by the real CDK CLI, with the package's prebuilt bundles: what
 * `npm run deploy` would hand to CloudFormation. Offline: telemetry, notices and the
 * version check are off, no AWS credentials or instance metadata are reachable, and where
 * `unshare -n` is allowed the CLI runs in a network namespace that has only loopback.
 */
const stackName = 'YWebrtcSignaling';
let outdir: string;
let result: ReturnType<typeof spawnSync>;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; Outputs: Record<string, unknown> };

const resourcesOfType = (type: string) => Object.values(template.Resources).filter((resource) => resource.Type === type);

describe('cdk synth of the app (CDK CLI, offline)', () => {
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'cdk-synth-'));
    const cdk = [process.execPath, join(projectRoot, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--no-notices', '--quiet', '--output', join(outdir, 'cdk.out')];
    const command = withoutNetwork(cdk);
    result = spawnSync(command[0]!, command.slice(1), { cwd: projectRoot, env: offlineEnvironment(outdir), encoding: 'utf8', timeout: 240_000 });
    const templateFile = join(outdir, 'cdk.out', `${stackName}.template.json`);
    if (existsSync(templateFile)) template = JSON.parse(readFileSync(templateFile, 'utf8'));
  }, 250_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('succeeds, with cdk-nag and the CloudFormation schema checks run and nothing to report', () => {
    expect(result.status, `${String(result.stderr)}\n${String(result.stdout)}`).toBe(0);
    const report = JSON.parse(readFileSync(join(outdir, 'cdk.out', 'validation-report.json'), 'utf8')) as { pluginReports: { summary: { status: string } }[] };
    for (const plugin of report.pluginReports) expect(plugin.summary.status).toBe('success');
  });

  it('holds the whole service', () => {
    expect(resourcesOfType('AWS::DynamoDB::GlobalTable')).toHaveLength(1);
    expect(resourcesOfType('AWS::Lambda::Function')).toHaveLength(4);
    for (const fn of resourcesOfType('AWS::Lambda::Function')) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
    }
    expect(resourcesOfType('AWS::ApiGatewayV2::Api')[0]!.Properties['RouteSelectionExpression']).toBe('$request.body.type');
    expect(resourcesOfType('AWS::ApiGatewayV2::Route').map((route) => route.Properties['RouteKey']).sort()).toEqual(Object.keys(routes).sort());
    expect(resourcesOfType('AWS::ApiGatewayV2::Integration').map((i) => i.Properties['IntegrationType']).sort()).toEqual(['AWS_PROXY', 'AWS_PROXY', 'AWS_PROXY', 'MOCK']);
    expect(resourcesOfType('AWS::ApiGatewayV2::IntegrationResponse')[0]!.Properties['ResponseTemplates']).toEqual({ $default: '{"type":"pong"}' });
    expect(resourcesOfType('AWS::ApiGatewayV2::RouteResponse')).toHaveLength(1);
    expect(resourcesOfType('AWS::ApiGatewayV2::Stage')).toHaveLength(1);
    const [mapping] = resourcesOfType('AWS::Lambda::EventSourceMapping');
    expect(mapping!.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], BisectBatchOnFunctionError: true });
    expect(mapping!.Properties['FilterCriteria']).toBeDefined();
    expect(resourcesOfType('AWS::SQS::Queue')).toHaveLength(1);
    expect(resourcesOfType('AWS::CloudWatch::Alarm')).toHaveLength(12);
    expect(resourcesOfType('AWS::CloudWatch::Dashboard')).toHaveLength(1);
    expect(Object.keys(template.Outputs).sort()).toEqual(['DashboardName', 'SignalingUrl', 'TableName']);
  });

  it("deploys each function as the package's prebuilt bundle: a minified ES module with a source map and any chunks, loadable with no node_modules (all it imports inside)", () => {
    const code = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((fn) => (fn as unknown as { Metadata: Record<string, string> }).Metadata['aws:asset:path']!);
    expect(code).toHaveLength(4);
    const prebuilt = new Set(lambdaFunctionNames.map((name) => readFileSync(join(handlerBundleDirectory(name), 'index.mjs'), 'utf8')));
    for (const assetPath of code) {
      const dir = join(outdir, 'cdk.out', assetPath);
      const files = readdirSync(dir).sort();
      expect(files.filter((file) => file !== 'chunks')).toEqual(['index.mjs', 'index.mjs.map']);
      if (files.includes('chunks')) expect(readdirSync(join(dir, 'chunks')).every((file) => /^[\w-]+\.mjs(\.map)?$/.test(file))).toBe(true);
      const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(prebuilt.has(bundle)).toBe(true);
      expect(bundle.startsWith(functionBundle.banner)).toBe(true);
      // Minified: long lines (template literals keep a few line breaks), not one statement a line.
      expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1_000);
      // Self-contained: it loads from a directory with no node_modules anywhere above it.
      expect(existsSync(join(tmpdir(), 'node_modules'))).toBe(false);
      const loaded = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)}); process.stdout.write(typeof m.handler);`],
        { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'], AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
      );
      expect(loaded.stderr).toBe('');
      expect(loaded.stdout).toBe('function');
      expect(bundle).toContain('sourceMappingURL=index.mjs.map');
    }
  });
});
