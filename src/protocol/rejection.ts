/** Why a frame was refused. Each reason is logged and counted under its own name. */
export type RejectionReason =
  | 'too-large'
  | 'too-deep'
  | 'not-json'
  | 'not-object'
  | 'unknown-type'
  | 'invalid-topics'
  | 'too-many-topics'
  | 'invalid-topic'
  | 'empty-topic'
  | 'topic-too-long'
  | 'forbidden-topic'
  | 'too-many-subscriptions'
  | 'rate-limited';

export const rejectionReasons: readonly RejectionReason[] = [
  'too-large',
  'too-deep',
  'not-json',
  'not-object',
  'unknown-type',
  'invalid-topics',
  'too-many-topics',
  'invalid-topic',
  'empty-topic',
  'topic-too-long',
  'forbidden-topic',
  'too-many-subscriptions',
  'rate-limited',
];

export interface Rejection {
  readonly ok: false;
  readonly reason: RejectionReason;
  readonly detail: string;
}

export function reject(reason: RejectionReason, detail: string): Rejection {
  return { ok: false, reason, detail };
}
