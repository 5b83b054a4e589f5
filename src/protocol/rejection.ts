/** Reasons the parser gives: the frame itself is malformed or over a limit. */
export const parserRejectionReasons = [
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
] as const;

/** Reasons the message handler gives: the frame is well formed but not allowed. */
export const policyRejectionReasons = ['forbidden-topic', 'too-many-subscriptions', 'rate-limited'] as const;

/** Why a frame was refused. Each reason is logged and counted under its own name. */
export const rejectionReasons = [...parserRejectionReasons, ...policyRejectionReasons] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

export interface Rejection {
  readonly ok: false;
  readonly reason: RejectionReason;
  readonly detail: string;
}

export function reject(reason: RejectionReason, detail: string): Rejection {
  return { ok: false, reason, detail };
}
