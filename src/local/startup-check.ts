import { createServer } from 'node:net';
import { authConfigFromEnvironment, authEnvironmentVariables } from '../auth/auth-config.js';
import { joinOrderEnvironmentVariable, joinOrderFromEnvironment } from '../config/join-order.js';
import { limitEnvironmentVariables, limitsFromEnvironment } from '../config/limits.js';
import { signalDeliveryEnvironmentVariable, signalDeliveryFromEnvironment } from '../config/signal-delivery.js';
import { coturnInstalled, CoturnMissingError } from './coturn.js';
import { localDeliveryFromEnvironment } from './local-delivery.js';
import { localEnvironmentVariables, localSettings } from './local-settings.js';

/**
 * Every problem with `npm start`'s configuration, found before anything starts: each setting
 * is read on its own, so two bad values are both named, and the port is tried on 127.0.0.1.
 */
export async function startupProblems(env: NodeJS.ProcessEnv): Promise<string[]> {
  const problems: string[] = [];
  const check = (read: (env: NodeJS.ProcessEnv) => unknown, names: readonly string[]) => {
    for (const name of names) {
      if (env[name] === undefined) continue;
      try {
        read({ [name]: env[name] });
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  };
  check(localSettings, localEnvironmentVariables);
  check(limitsFromEnvironment, Object.values(limitEnvironmentVariables));
  check(joinOrderFromEnvironment, [joinOrderEnvironmentVariable]);
  check(signalDeliveryFromEnvironment, [signalDeliveryEnvironmentVariable]);
  check(localDeliveryFromEnvironment, ['LOCAL_DELIVERY']);
  // The AUTH_* settings depend on one another: read together.
  const auth = Object.fromEntries(authEnvironmentVariables.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]));
  try {
    authConfigFromEnvironment(auth);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length === 0) {
    const { port, turn } = localSettings(env);
    if (turn === 'coturn' && !coturnInstalled()) problems.push(new CoturnMissingError().message);
    if (port !== 0 && !(await isFree(port))) problems.push(`port ${port} is in use: stop what runs there or set PORT=<another port>`);
  }
  return problems;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
