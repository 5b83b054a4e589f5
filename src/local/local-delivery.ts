import { choiceFromEnvironment } from '../config/choice.js';

/** How the local runtime's handlers reach connections (see LocalRuntimeOptions.delivery). */
export const localDeliveries = ['in-process', 'management-api'] as const;
export type LocalDelivery = (typeof localDeliveries)[number];

export function localDeliveryFromEnvironment(env: NodeJS.ProcessEnv): LocalDelivery {
  return choiceFromEnvironment(env, 'LOCAL_DELIVERY', localDeliveries, 'in-process');
}
