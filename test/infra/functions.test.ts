import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, limitEnvironmentVariables } from '../../src/config/limits.js';
import { signalingFunctionNames } from '../../infra/parts/function-names.js';
import { handlerBundleDirectory } from '../../infra/parts/handler-code.js';
import { logicalIdOf, render, resourcesOf, synthesize } from './synthesize.js';

describe('the functions', () => {
  const { template, stack, app } = synthesize();
  const { functions, table } = stack.signaling;
  const propertiesOf = (name: (typeof signalingFunctionNames)[number]) =>
    resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(functions[name])]!.Properties;

  it('are the four handlers of src/handlers on nodejs22.x, arm64', () => {
    template.resourceCountIs('AWS::Lambda::Function', 4);
    expect(Object.keys(functions).sort()).toEqual(['cleanup', 'connect', 'disconnect', 'message']);
    for (const name of signalingFunctionNames) {
      expect(propertiesOf(name)).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
    }
  });

  it('share the table name and the Powertools settings', () => {
    for (const name of signalingFunctionNames) {
      const variables = (propertiesOf(name)['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(variables).toMatchObject({
        TABLE_NAME: { Ref: logicalIdOf(table) },
        POWERTOOLS_SERVICE_NAME: 'y-webrtc-signaling',
        POWERTOOLS_METRICS_NAMESPACE: 'YWebrtcSignaling',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(Object.keys(variables).some((key) => Object.values(limitEnvironmentVariables).includes(key))).toBe(false);
    }
  });

  it("give the message function the stage's own management endpoint, custom domain or not", () => {
    const endpoint = (propertiesOf('message')['Environment'] as { Variables: Record<string, unknown> }).Variables['CONNECTIONS_ENDPOINT'];
    expect(render(endpoint)).toBe(`https://<${logicalIdOf(stack.signaling.api)}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/prod`);
    for (const name of ['connect', 'disconnect', 'cleanup'] as const) {
      expect((propertiesOf(name)['Environment'] as { Variables: Record<string, unknown> }).Variables['CONNECTIONS_ENDPOINT']).toBeUndefined();
    }
  });

  it('write to log groups of their own with a retention', () => {
    const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
    const used = signalingFunctionNames.map((name) => (propertiesOf(name)['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref);
    expect(new Set(used).size).toBe(4);
    for (const id of used) {
      expect(logGroups[id]).toMatchObject({ Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Delete' });
    }
  });

  it('have memory and timeouts fit for their jobs', () => {
    expect(propertiesOf('connect')).toMatchObject({ MemorySize: 256, Timeout: 10 });
    expect(propertiesOf('message')).toMatchObject({ MemorySize: 512, Timeout: 29 });
    expect(propertiesOf('disconnect')).toMatchObject({ MemorySize: 256, Timeout: 10 });
    expect(propertiesOf('cleanup')).toMatchObject({ MemorySize: 256, Timeout: 60 });
  });

  it("run the package's prebuilt bundles, not a bundle made at synth time", () => {
    for (const name of signalingFunctionNames) {
      const asset = (resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(functions[name])] as unknown as { Metadata: Record<string, string> })
        .Metadata['aws:asset:path']!;
      const staged = join(app.synth().directory, asset);
      // The entry, its map, and any chunks esbuild split off (code loaded only when called): the package's folder as it is.
      const files = (folder: string) => readdirSync(folder, { recursive: true }).map(String).sort();
      expect(files(staged), name).toEqual(files(handlerBundleDirectory(name)));
      expect(files(staged), name).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
      expect(readFileSync(join(staged, 'index.mjs')).equals(readFileSync(join(handlerBundleDirectory(name), 'index.mjs'))), name).toBe(true);
    }
  });

  it('take limits, Powertools settings, log retention, memory and source-mapped traces as props', () => {
    const { template } = synthesize({
      signaling: {
        limits: { maxTopicBytes: 256, fanOutConcurrency: 8 },
        serviceName: 'signaling-test',
        metricsNamespace: 'Test',
        logLevel: 'DEBUG',
        logRetention: 7,
        memorySize: { message: 1024 },
        sourceMapStackTraces: false,
      },
    });
    template.allResourcesProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ NODE_OPTIONS: Match.absent() }) } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Environment: {
        Variables: Match.objectLike({
          MAX_TOPIC_BYTES: '256',
          FAN_OUT_CONCURRENCY: '8',
          POWERTOOLS_SERVICE_NAME: 'signaling-test',
          POWERTOOLS_METRICS_NAMESPACE: 'Test',
          POWERTOOLS_LOG_LEVEL: 'DEBUG',
        }),
      },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('refuse a limit the handlers would refuse, at synth time', () => {
    // The stack uses the built package, whose ConfigurationError is its own class: match the name.
    expect(() => synthesize({ signaling: { limits: { maxTopicBytes: 2000 } } })).toThrow(expect.objectContaining({ name: ConfigurationError.name }));
    expect(() => synthesize({ signaling: { limits: { fanOutConcurrency: 0 } } })).toThrow(/FAN_OUT_CONCURRENCY/);
  });

  it('order joins per room by default; the joinOrder prop sets the reference rule, and a wrong one fails the synth', () => {
    const variablesOf = (synthesized: ReturnType<typeof synthesize>) =>
      signalingFunctionNames.map(
        (name) =>
          (resourcesOf(synthesized.template, 'AWS::Lambda::Function')[logicalIdOf(synthesized.stack.signaling.functions[name])]!.Properties['Environment'] as {
            Variables: Record<string, unknown>;
          }).Variables['JOIN_ORDER'],
      );
    expect(variablesOf(synthesize())).toEqual(['room', 'room', 'room', 'room']);
    expect(variablesOf(synthesize({ signaling: { joinOrder: 'arrival' } }))).toEqual(['arrival', 'arrival', 'arrival', 'arrival']);
    expect(() => synthesize({ signaling: { joinOrder: 'random' as 'room' } })).toThrow(/JOIN_ORDER must be room or arrival/);
  });
});
