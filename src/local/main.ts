import './powertools-defaults.js';
import { ConfigurationError } from '../config/limits.js';
import { dashboardPaths } from '../dashboard/dashboard-site.js';
import { JavaMissingError } from './dynamodb-local.js';
import { startLocalRuntime, type LocalRuntime } from './local-runtime.js';
import { buildPackageIfStale } from './lambda/package-build.js';
import { localSettings } from './local-settings.js';
import { watchParent } from './parent-watch.js';
import { startupProblems } from './startup-check.js';

// The SDK's notice about Node 20 is for maintainers (docs/configuration.md), not for each start.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

/** `npm start`: the whole service on this machine, until Ctrl-C. */
async function main(): Promise<void> {
  let runtime: LocalRuntime | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping: closing connections, draining the stream, stopping DynamoDB Local...');
    await runtime?.stop();
    console.log(runtime ? `stopped: every connection closed and cleaned up${process.env['DYNAMODB_ENDPOINT'] ? '' : ', DynamoDB Local down'}.` : 'stopped.');
    process.exit(code);
  };
  const onSignal = () => {
    if (!stopping) return void shutdown(0);
    // A second Ctrl-C: the user will not wait for the drain. Java goes down with this process.
    console.log('stopping at once');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  watchParent(() => {
    console.log('\nthe process that started this one has gone (npm or a shell stopped by a signal)');
    void shutdown(0);
  });
  process.on('uncaughtException', (error) => {
    console.error(error);
    void shutdown(1);
  });

  const problems = await startupProblems(process.env);
  if (problems.length > 0) {
    console.error(`cannot start: ${problems.length === 1 ? 'a setting is wrong' : `${problems.length} settings are wrong`} (docs/configuration.md lists them)`);
    for (const problem of problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
  const settings = localSettings(process.env);
  console.log(`starting y-webrtc signaling (local${settings.functions === 'bundles' ? ', on the shipped bundles' : ''})...`);
  try {
    if (settings.functions === 'bundles') buildPackageIfStale((line) => console.log(`  ${line}`));
    runtime = await startLocalRuntime({
      settings: { ...settings, functionLogs: settings.functionLogs ?? (settings.functions === 'bundles' ? defaultFunctionLogs : undefined) },
      recordHandlerMetrics: true,
      activity: (line) => console.log(`  ${line}`),
    });
  } catch (error) {
    if (error instanceof JavaMissingError || error instanceof ConfigurationError) {
      console.error(`\n${error.message}`);
    } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`\nport ${process.env['PORT'] ?? 4444} is in use: stop what runs there or set PORT=<another port>`);
    } else {
      console.error(error);
    }
    process.exit(1);
  }
  // Bundled now, so the first page load is quick and a broken bundle shows here.
  const httpUrl = runtime.url.replace(/^ws/, 'http');
  const unavailable = (error: unknown) => `unavailable: ${(error as Error).message.split('\n')[0]}`;
  const [demo, dashboard] = await Promise.all([
    runtime.demo.build().then(() => `${httpUrl}/`, unavailable),
    runtime.dashboard.build().then(() => `${httpUrl}${dashboardPaths.page}`, unavailable),
    // A burst of joins right after the start would otherwise meet a cold DynamoDB Local.
    runtime.warmUp().catch((error: unknown) => console.error(`DynamoDB Local warm-up failed (the server works, only slower at first): ${(error as Error).message}`)),
  ]);
  if (stopping) return;
  console.log(
    [
      '',
      `  signaling URL   ${runtime.url}`,
      `  demo page       ${demo}`,
      `  dashboard       ${dashboard}   (live metrics: the CloudWatch dashboard's panels, drawn here)`,
      `  DynamoDB        ${runtime.dynamodbEndpoint}`,
      ...(process.env['DYNAMODB_ENDPOINT']
        ? []
        : [
            '                  DynamoDB Local listens on every network interface and takes any credentials: others on',
            '                  your network can read and change the table (rooms, connection ids, IP addresses).',
            '                  To keep it private, run one where you choose and set DYNAMODB_ENDPOINT (docs/security.md).',
          ]),
      `  table           ${runtime.tableName}`,
      ...functionsLines(runtime, settings.provisionedConcurrency),
      `  authorization   ${authorizationLine(runtime.authorization)}`,
      ...(runtime.coturn
        ? [
            `  TURN            coturn on ${runtime.coturn.turnUrls.join(', ')} (LOCAL_TURN=coturn), loopback only;`,
            `                  ICE servers with its credentials at ${httpUrl}/ice-servers?room=<room>, which the demo page uses`,
            `                  (${httpUrl}/?relay=1 allows relayed paths only)`,
          ]
        : []),
      ...(settings.auth?.secret
        ? [
            `  tokens          ${httpUrl}/token?rooms=<room>: signed here, living ${settings.localTokenSeconds} s (LOCAL_TOKEN_SECONDS);`,
            `                  the demo page fetches a fresh one for every reconnect with ${httpUrl}/?tokenUrl=/token`,
          ]
        : []),
      ...timingLines(runtime.timing),
      ...(runtime.joinOrder === 'arrival' ? ["  join order      the reference server's: whoever is subscribed when an announce is handled (JOIN_ORDER=arrival)"] : []),
      ...(runtime.signalDelivery === 'room' ? ["  signals         to the whole room, as the reference server sends them (SIGNAL_DELIVERY=room)"] : []),
      '',
      `  y-webrtc:       new WebrtcProvider(room, ydoc, { signaling: ['${runtime.url}'] })`,
      '  Ctrl-C stops everything. Connects, subscribes and leaves show below as they happen.',
      '',
    ].join('\n'),
  );
}

/** Where `npm start` writes the functions' logs in bundles mode, unless FUNCTION_LOGS says otherwise. */
const defaultFunctionLogs = 'logs/local';

function functionsLines(runtime: LocalRuntime, provisioned: number): string[] {
  if (!runtime.bundled) return ['  functions       the TypeScript handlers, in this process (LOCAL_FUNCTIONS=sources)'];
  const { logs, functions } = runtime.bundled;
  const [first] = functions.keys();
  const logFile = first ? logs.fileOf(first) : undefined;
  return [
    `  functions       the shipped bundles (dist/handlers) as the synthesized template configures them, each in`,
    `                  execution environments of its own: ${[...functions.keys()].join(', ')} (LOCAL_FUNCTIONS=bundles)`,
    ...(provisioned > 0 ? [`                  ${provisioned} environments of each started warm (LAMBDA_PROVISIONED_CONCURRENCY)`] : []),
    ...(logFile ? [`  function logs   ${logFile.replace(/[^/]+\.log$/, '<function>.log')}   (tail -f; START, END, REPORT lines as on CloudWatch)`] : []),
  ];
}

function timingLines(timing: LocalRuntime['timing']): string[] {
  if (timing.mode === 'parallel') return ["  timing          a connection's frames overlap, as on AWS (GATEWAY_TIMING=parallel)"];
  if (timing.mode === 'aws') {
    return [
      `  timing          as on AWS: frames overlap, Lambda-like latency (GATEWAY_TIMING=aws, GATEWAY_TIMING_SEED=${timing.seed} replays it)`,
    ];
  }
  return [];
}

function authorizationLine(mode: LocalRuntime['authorization']): string {
  if (mode === 'tokens') return 'JWT in ?token=… required (AUTH_* variables)';
  if (mode === 'origins') return 'Origin allow-list only (AUTH_ALLOWED_ORIGINS)';
  return 'off (set AUTH_JWT_SECRET or AUTH_JWKS_URL to require tokens)';
}

await main();
