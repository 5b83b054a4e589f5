import type { PublishMessage } from './messages.js';

/**
 * Whether a publish is a y-webrtc announce: "I am in this room, connect to me".
 *
 * In rooms without a password `data` is plain JSON with `type: 'announce'`. With a password
 * `data` is a base64 AES-GCM envelope the server cannot read, but y-webrtc 10.x encrypts an
 * announce (`{ type, from: <uuid> }`) to an envelope of exactly one size, and every other
 * message it sends (offers, answers, candidates, all with `to`, `from` and `token`) is
 * larger. The size is all that is used; nothing is decrypted.
 */
export function isAnnounce(message: PublishMessage): boolean {
  const data = message['data'];
  if (typeof data === 'string') return isEncryptedAnnounce(data);
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'announce';
}

/**
 * y-webrtc's envelope (src/crypto.js): varString 'AES-GCM' (8 bytes), varUint8Array iv
 * (1 + 12), varUint8Array cipher (1 + plaintext + 16 tag). The plaintext is lib0's
 * `writeAny({ type: 'announce', from: <36-character uuid> })`: 60 bytes.
 */
const encryptedAnnounceBytes = 8 + 13 + 1 + 60 + 16;
const encryptedAnnounceBase64Length = Math.ceil(encryptedAnnounceBytes / 3) * 4;
const envelopeHeader = Buffer.from([7, ...Buffer.from('AES-GCM'), 12]);

function isEncryptedAnnounce(data: string): boolean {
  if (data.length !== encryptedAnnounceBase64Length) return false;
  const bytes = Buffer.from(data, 'base64');
  return (
    bytes.length === encryptedAnnounceBytes &&
    bytes.subarray(0, envelopeHeader.length).equals(envelopeHeader) &&
    bytes[envelopeHeader.length + 12] === 60 + 16
  );
}
