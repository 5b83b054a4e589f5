import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaFunctionNames } from '../../infra/parts/function-names.js';
import { handlerBundleFile, handlerBundlesFolder } from '../../infra/parts/handler-code.js';
import { projectRoot } from '../../infra/scripts/function-bundle.js';
import { routes } from '../../src/gateway/routes.js';
import { connectionRemovedFilterPattern } from '../../src/store/table.js';
import { offlineEnvironment, withoutNetwork } from '../support/offline.js';

/**
 * The construct as a consumer gets it: `npm pack`, then a fresh CDK app in a temporary
 * folder that installs the tarball and the peer dependencies only, adds the construct as
 * docs/deploy.md shows (custom domain, authorization), type-checks and synthesizes offline.
 * The app has no way to this repository's sources: only the tarball's files are installed.
 */
const packageName = 'y-webrtc-signaling-serverless';
const peers = ['aws-cdk-lib', 'constructs'];

interface PackedFile {
  readonly path: string;
  readonly size: number;
}
interface Packed {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly PackedFile[];
}
interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}
/** cdk.out's asset manifest: what `cdk deploy` would upload, and from where. */
interface AssetManifest {
  files: Record<string, { source: { path: string; packaging: string }; destinations: Record<string, { objectKey: string }> }>;
}

/** The TypeScript between a doc's `<!-- package-example:start -->` and `end` markers. */
export function packageExample(markdown: string): string {
  const match = /<!-- package-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- package-example:end -->/.exec(markdown);
  if (!match) throw new Error('no package example between the package-example markers');
  return match[1]!;
}

function run(command: readonly string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(command[0]!, command.slice(1), { cwd, env, encoding: 'utf8', timeout: 180_000 });
}
const output = (result: SpawnSyncReturns<string>) => `exit ${result.status}\n${result.stderr}\n${result.stdout}`;

let scratch: string;
let app: string;
let packed: Packed;
let install: SpawnSyncReturns<string>;
let compile: SpawnSyncReturns<string>;
let synth: SpawnSyncReturns<string>;
let template: Template;

const offlineNpm = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

const resourcesOfType = (type: string) => Object.values(template.Resources).filter((resource) => resource.Type === type);

describe('the package in a fresh CDK app', () => {
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'package-test-'));
    // The build is fresh (global setup), so packing needs no prepack build.
    const pack = run(['npm', 'pack', '--json', '--ignore-scripts', '--pack-destination', scratch], projectRoot, process.env);
    if (pack.status !== 0) throw new Error(`npm pack failed: ${output(pack)}`);
    packed = (JSON.parse(pack.stdout) as Packed[])[0]!;

    app = join(scratch, 'app');
    mkdirSync(app);
    // The app's own dependencies are the peers, at this repository's pinned installs (no registry
    // here): npm checks the tarball's peer ranges against them, as in a consumer's app.
    const dependencies = Object.fromEntries(peers.map((peer) => [peer, `file:${join(projectRoot, 'node_modules', peer)}`]));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }));
    install = run(['npm', 'install', '--ignore-scripts', '--no-package-lock', join(scratch, packed.filename)], app, offlineNpm);

    writeFileSync(join(app, 'stack.ts'), packageExample(readFileSync(join(projectRoot, 'docs', 'deploy.md'), 'utf8')));
    writeFileSync(
      join(app, 'main.ts'),
      [
        "import { App } from 'aws-cdk-lib';",
        "import { CollaborationStack } from './stack.js';",
        "const app = new App({ outdir: 'cdk.out' });",
        "new CollaborationStack(app, 'Collaboration');",
        'app.synth();',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        // Every declaration checked, the package's included; no Node types, which a CDK app need not have.
        // ESNext.Disposable: aws-cdk-lib's own declarations use `Disposable`.
        compilerOptions: { target: 'ES2022', lib: ['ES2022', 'ESNext.Disposable'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: [], outDir: 'out' },
        files: ['main.ts', 'stack.ts'],
      }),
    );
    compile = run([process.execPath, join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], app, process.env);
    synth = run(withoutNetwork([process.execPath, join('out', 'main.js')]), app, offlineEnvironment(scratch));
    if (synth.status === 0) template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Collaboration.template.json'), 'utf8')) as Template;
    const sizes = `${(packed.size / 1024 / 1024).toFixed(1)} MB packed, ${(packed.unpackedSize / 1024 / 1024).toFixed(1)} MB unpacked, ${packed.files.length} files`;
    console.log(`package: ${packed.filename}: ${sizes}`);
  }, 300_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('holds the compiled construct with its types and the prebuilt bundles, and no sources, tests, docs or images', () => {
    const paths = packed.files.map((file) => file.path);
    const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/handlers\/[a-zA-Z]+\/(chunks\/[\w-]+\.mjs|index\.mjs)(\.map)?|dist\/(infra|src)\/[a-z/-]+\.(js|d\.ts))$/;
    expect(paths.filter((path) => !allowed.test(path))).toEqual([]);
    for (const name of lambdaFunctionNames) {
      expect(paths).toContain(`${handlerBundlesFolder}/${name}/${handlerBundleFile}`);
    }
    expect(paths).toContain('dist/infra/index.js');
    expect(paths).toContain('LICENSE');
    expect(paths).toContain('dist/infra/index.d.ts');
    // Nothing of the local runtime, the handlers' sources, the demo, the tools or the tests.
    expect(paths.filter((path) => /^dist\/src\/(local|handlers|lambda|demo|bench|loadtest|tools)\//.test(path))).toEqual([]);
    expect(packed.size).toBeLessThan(3 * 1024 * 1024);
  });

  it('refuses to install beside a peer out of its range (no --legacy-peer-deps here)', () => {
    const oldConstructs = join(scratch, 'constructs-10.0.0');
    cpSync(join(projectRoot, 'node_modules', 'constructs'), oldConstructs, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(oldConstructs, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(oldConstructs, 'package.json'), JSON.stringify({ ...manifest, version: '10.0.0' }));
    const other = join(scratch, 'old-app');
    mkdirSync(other);
    const dependencies = { 'aws-cdk-lib': `file:${join(projectRoot, 'node_modules', 'aws-cdk-lib')}`, constructs: `file:${oldConstructs}` };
    writeFileSync(join(other, 'package.json'), JSON.stringify({ name: 'old-consumer', private: true, type: 'module', dependencies }));
    const refused = run(['npm', 'install', '--ignore-scripts', '--no-package-lock', join(scratch, packed.filename)], other, offlineNpm);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('ERESOLVE');
    expect(refused.stderr).toMatch(/peer constructs@"\^10\.8\.1" from y-webrtc-signaling-serverless/);
  });

  it('installs with no dependencies of its own beside the peers', () => {
    expect(install.status, output(install)).toBe(0);
    expect(readdirSync(join(app, 'node_modules')).filter((entry) => !entry.startsWith('.')).sort()).toEqual([...peers, packageName].sort());
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', packageName, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['dependencies']).toBeUndefined();
    expect(Object.keys(manifest['peerDependencies'] as object).sort()).toEqual(peers);
  });

  it('type-checks the docs example against the installed types, and synthesizes it offline', () => {
    expect(compile.status, output(compile)).toBe(0);
    expect(synth.status, output(synth)).toBe(0);
  });

  it('has the routes, the MOCK ping, the stream mapping with its filter, the alarms, the dashboard, the domain and the authorizer', () => {
    expect(resourcesOfType('AWS::ApiGatewayV2::Route').map((route) => route.Properties['RouteKey']).sort()).toEqual(Object.keys(routes).sort());
    const [mock] = resourcesOfType('AWS::ApiGatewayV2::Integration').filter((integration) => integration.Properties['IntegrationType'] === 'MOCK');
    expect(mock).toBeDefined();
    expect(resourcesOfType('AWS::ApiGatewayV2::IntegrationResponse')[0]!.Properties['ResponseTemplates']).toEqual({ $default: '{"type":"pong"}' });
    const [mapping] = resourcesOfType('AWS::Lambda::EventSourceMapping');
    expect(mapping!.Properties['FilterCriteria']).toEqual({ Filters: [{ Pattern: JSON.stringify(connectionRemovedFilterPattern) }] });
    expect(resourcesOfType('AWS::CloudWatch::Alarm').length).toBeGreaterThanOrEqual(12);
    expect(resourcesOfType('AWS::CloudWatch::Dashboard')).toHaveLength(1);
    expect(resourcesOfType('AWS::ApiGatewayV2::DomainName')[0]!.Properties['DomainName']).toBe('signaling.example.com');
    expect(resourcesOfType('AWS::ApiGatewayV2::Authorizer')[0]!.Properties).toMatchObject({ AuthorizerType: 'REQUEST' });
  });

  it("runs each function from the tarball's prebuilt bundle, byte for byte", () => {
    const installed = join(app, 'node_modules', packageName);
    const bundles = new Map(
      lambdaFunctionNames.map((name) => [readFileSync(join(installed, handlerBundlesFolder, name, handlerBundleFile), 'utf8'), name]),
    );
    const functions = resourcesOfType('AWS::Lambda::Function');
    expect(functions).toHaveLength(lambdaFunctionNames.length);
    const manifest = JSON.parse(readFileSync(join(app, 'cdk.out', 'Collaboration.assets.json'), 'utf8')) as AssetManifest;
    const uploadedFrom = new Map(
      Object.values(manifest.files).flatMap((file) => Object.values(file.destinations).map((destination) => [destination.objectKey, file.source.path] as const)),
    );
    const deployed = functions.map((fn) => {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
      const staged = join(app, 'cdk.out', uploadedFrom.get((fn.Properties['Code'] as { S3Key: string }).S3Key)!);
      // The entry, its map, and any chunks (the folder as the package ships it).
      const name = bundles.get(readFileSync(join(staged, handlerBundleFile), 'utf8'))!;
      const files = (folder: string) => readdirSync(folder, { recursive: true }).map(String).sort();
      expect(files(staged)).toEqual(files(join(installed, handlerBundlesFolder, name)));
      expect(files(staged)).toEqual(expect.arrayContaining([handlerBundleFile, `${handlerBundleFile}.map`]));
      return bundles.get(readFileSync(join(staged, handlerBundleFile), 'utf8'));
    });
    expect(deployed.sort()).toEqual([...lambdaFunctionNames].sort());
  });

  it('loads into a CommonJS app too (require of an ES module, Node 20.19 and later)', () => {
    const required = run([process.execPath, '-e', `process.stdout.write(typeof require('${packageName}').YWebrtcSignaling)`], app, process.env);
    expect(required.stdout, output(required)).toBe('function');
  });

  it('ships the client module for browsers and Node: its types check with the DOM library and no Node types, and it imports nothing outside itself', () => {
    const browser = join(app, 'browser');
    mkdirSync(browser);
    writeFileSync(
      join(browser, 'page.ts'),
      [
        `import { SignalingAuth, type SignalingProvider, type TokenFailure } from '${packageName}/client';`,
        'declare const provider: SignalingProvider;',
        "const auth = new SignalingAuth({ urls: ['wss://signaling.example.com'], getToken: async ({ rooms }) => rooms.join(','), onError: (failure: TokenFailure) => console.warn(failure.attempt) });",
        "const urls: Promise<string[]> = auth.signalingUrls('room');",
        'const detach: () => void = auth.attach(provider);',
        'export { urls, detach };',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(browser, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [], strict: true, noEmit: true }, files: ['page.ts'] }),
    );
    const checked = run([process.execPath, join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], browser, process.env);
    expect(checked.status, output(checked)).toBe(0);

    const clientFiles = packed.files.map((file) => file.path).filter((path) => path.startsWith('dist/src/client/') && path.endsWith('.js'));
    expect(clientFiles).toContain('dist/src/client/index.js');
    for (const file of clientFiles) {
      const imports = [...readFileSync(join(app, 'node_modules', packageName, file), 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)].map((match) => match[1]!);
      expect(imports.filter((specifier) => !specifier.startsWith('./')), file).toEqual([]);
    }
    const loaded = run([process.execPath, '--input-type=module', '-e', `import('${packageName}/client').then((m) => process.stdout.write(typeof m.SignalingAuth))`], app, process.env);
    expect(loaded.stdout, output(loaded)).toBe('function');
  });

  it('passes `npm publish --dry-run` cleanly, publishing exactly the files packed above', () => {
    const npmrc = join(scratch, 'npmrc');
    // A token for the dry run only, so npm does not warn that nobody is logged in; nothing is sent.
    writeFileSync(npmrc, '//registry.npmjs.org/:_authToken=dry-run-only\n');
    const result = run(
      ['npm', 'publish', '--dry-run', '--json', '--ignore-scripts', '--offline', '--no-update-notifier', '--userconfig', npmrc],
      projectRoot,
      process.env,
    );
    expect(result.status, output(result)).toBe(0);
    expect(result.stderr).not.toMatch(/npm (warn|error)/i);
    const published = (JSON.parse(result.stdout) as Record<string, Packed>)[packageName]!;
    expect(published.files.map((file) => file.path).sort()).toEqual(packed.files.map((file) => file.path).sort());
    expect(published.files.map((file) => file.path)).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']));
  });

  it('is the example README.md shows', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    expect(packageExample(readme)).toBe(packageExample(readFileSync(join(projectRoot, 'docs', 'deploy.md'), 'utf8')));
  });
});
