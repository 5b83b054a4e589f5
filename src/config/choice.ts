import { ConfigurationError } from './limits.js';
import type { Environment } from './environment.js';

/** A setting that takes one of a few words: `name` from the environment, or `fallback` when unset. */
export function choiceFromEnvironment<T extends string>(env: Environment, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name] || fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigurationError(`${name} must be ${choices.join(' or ')}, got "${raw}"`);
  }
  return raw as T;
}
