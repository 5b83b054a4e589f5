import type { ConnectionCheck } from '../demo-state.js';

/** How long a page may take to be in its room before it says why not: a user waits a few seconds. */
export const patienceMs = 4_000;

export interface Attempt {
  readonly signaling: string;
  readonly token: string;
  readonly room: string;
  /** Whether a signaling connection is open (the handshake passed). */
  readonly connected: boolean;
}

/**
 * Why a page is not in its room, in words, with what to do. The browser hides why a WebSocket
 * handshake failed; when the signaling server is this page's own (`npm start`), the page asks
 * it (GET /connect-check) what its `$connect` authorizer decides for this token and room.
 */
export async function diagnose(attempt: Attempt, pageOrigin: string): Promise<string> {
  const server = new URL(attempt.signaling);
  const serverOrigin = `${server.protocol === 'wss:' ? 'https:' : 'http:'}//${server.host}`;
  if (serverOrigin !== pageOrigin) return otherServer(attempt);
  let check: ConnectionCheck;
  try {
    const url = new URL('/connect-check', pageOrigin);
    url.searchParams.set('room', attempt.room);
    url.searchParams.set('origin', pageOrigin);
    if (attempt.token) url.searchParams.set('token', attempt.token);
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    check = (await response.json()) as ConnectionCheck;
  } catch {
    return `Cannot reach the signaling server at ${attempt.signaling}. Is \`npm start\` still running? Start it again, then reload this page.`;
  }
  if (check.status !== 200) {
    if (check.status === 403) return `The server refused this connection (403: ${check.reason}).`;
    return attempt.token
      ? `The server refused the token (401: ${check.reason}). Get a fresh one and put it in the token field.`
      : `The server requires a token (401: ${check.reason}). Put a JWT in the token field, or add ?token=… to this page's address.`;
  }
  if (!check.roomAllowed) {
    const rooms = check.rooms === 'any' ? 'any room' : check.rooms.join(', ') || 'no room';
    return `Your token does not allow the room "${attempt.room}": the server ignores what this page sends there. It allows: ${rooms}. Pick one of those rooms.`;
  }
  return attempt.connected
    ? `Connected, but the room "${attempt.room}" has not answered for ${patienceMs / 1000} s: the server is slow or overloaded. Wait, or reload the page.`
    : `Not connected to ${attempt.signaling} after ${patienceMs / 1000} s, though the server answers HTTP. Reload the page; if it stays so, look at the server's output.`;
}

/** A server elsewhere (a deployment): only what the browser can know. */
function otherServer(attempt: Attempt): string {
  if (attempt.connected) {
    return `Connected, but the room "${attempt.room}" has not answered for ${patienceMs / 1000} s. If the server checks tokens, yours may not allow this room.`;
  }
  return (
    `Cannot connect to ${attempt.signaling}. Check the address; if the server requires a token (it then refuses with 401 or 403), ` +
    'put one in the token field. The browser does not say which.'
  );
}
