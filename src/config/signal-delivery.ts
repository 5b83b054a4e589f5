import { choiceFromEnvironment } from './choice.js';
import type { Environment } from './environment.js';

/**
 * Where an offer, answer or ICE candidate goes (docs/architecture.md, "Directed signals").
 * - `peer` (default): a publish whose plain JSON `data.to` names a peer id the room knows
 *   goes to the connection(s) of that peer id only; anything else to the whole room.
 * - `room`: every publish to the whole room, as y-webrtc's reference server does.
 */
export const signalDeliveries = ['peer', 'room'] as const;
export type SignalDelivery = (typeof signalDeliveries)[number];

export const defaultSignalDelivery: SignalDelivery = 'peer';
export const signalDeliveryEnvironmentVariable = 'SIGNAL_DELIVERY';

export function signalDeliveryFromEnvironment(env: Environment): SignalDelivery {
  return choiceFromEnvironment(env, signalDeliveryEnvironmentVariable, signalDeliveries, defaultSignalDelivery);
}
