import { webcrypto } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAnnounce } from '../../src/protocol/announce.js';

interface YWebrtcCrypto {
  deriveKey(secret: string, roomName: string): Promise<webcrypto.CryptoKey>;
  encryptJson(data: unknown, key: webcrypto.CryptoKey): Promise<Uint8Array>;
}
// y-webrtc's own encryption (not among its package exports), so the sizes are the real ones.
const cryptoPath = fileURLToPath(new URL('../../node_modules/y-webrtc/src/crypto.js', import.meta.url));
const { deriveKey, encryptJson } = (await import(cryptoPath)) as YWebrtcCrypto;
const key = await deriveKey('secret', 'room');
const encrypted = async (data: unknown) => Buffer.from(await encryptJson(data, key)).toString('base64');
const publish = (data: unknown) => ({ type: 'publish' as const, topic: 'room', data });
const peerId = () => crypto.randomUUID();

describe('isAnnounce', () => {
  it('recognises a plain announce, and nothing else', () => {
    expect(isAnnounce(publish({ type: 'announce', from: 'a' }))).toBe(true);
    expect(isAnnounce(publish({ type: 'signal', from: 'a', to: 'b' }))).toBe(false);
    expect(isAnnounce({ type: 'publish', topic: 'room' })).toBe(false);
    expect(isAnnounce(publish(null))).toBe(false);
    expect(isAnnounce(publish(['announce']))).toBe(false);
  });

  it('recognises y-webrtc\'s encrypted announce by its size alone, for any peer id and key', async () => {
    for (let n = 0; n < 20; n++) {
      expect(isAnnounce(publish(await encrypted({ type: 'announce', from: peerId() })))).toBe(true);
    }
    const otherKey = await deriveKey('other', 'room 2');
    const other = Buffer.from(await encryptJson({ type: 'announce', from: peerId() }, otherKey)).toString('base64');
    expect(isAnnounce(publish(other))).toBe(true);
  });

  it('does not take y-webrtc\'s encrypted signals, or other strings, for announces', async () => {
    const signal = (signal: unknown) => ({ to: peerId(), from: peerId(), type: 'signal', token: Date.now() + Math.random(), signal });
    for (const data of [
      signal({ type: 'offer', sdp: 'v=0\r\n' }),
      signal({ type: 'answer', sdp: 'v=0\r\n' }),
      signal({ candidate: { candidate: 'candidate:1 1 udp 1 ::1 5000 typ host', sdpMLineIndex: 0, sdpMid: '0' } }),
      { type: 'announce', from: 'short' },
    ]) {
      expect(isAnnounce(publish(await encrypted(data)))).toBe(false);
    }
    const sameLength = 'A'.repeat((await encrypted({ type: 'announce', from: peerId() })).length);
    expect(isAnnounce(publish(sameLength))).toBe(false);
    expect(isAnnounce(publish('AAECAwQFBgcICQ=='))).toBe(false);
  });
});
