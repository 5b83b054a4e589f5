import { ConfigurationError } from '../config/limits.js';

/** How the local runtime's handlers reach connections (see LocalRuntimeOptions.delivery). */
export const localDeliveries = ['in-process', 'management-api'] as const;
export type LocalDelivery = (typeof localDeliveries)[number];

export function localDeliveryFromEnvironment(env: NodeJS.ProcessEnv): LocalDelivery {
  const raw = env['LOCAL_DELIVERY'] || 'in-process';
  if (!(localDeliveries as readonly string[]).includes(raw)) {
    throw new ConfigurationError(`LOCAL_DELIVERY must be ${localDeliveries.join(' or ')}, got "${raw}"`);
  }
  return raw as LocalDelivery;
}
