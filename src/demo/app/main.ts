/**
 * The demo page `npm start` serves: a Y.Text bound to a text area, shared through an
 * unmodified y-webrtc provider with every page open on the same room.
 *
 * Settings come from the address and the form:
 *   #<room>                         the room (the share link carries it)
 *   ?signaling=wss://...            signaling URL; default: this page's own origin, ws(s)://
 *   ?stun=stun:host:port            one STUN server; default none, so nothing leaves the machine
 *   ?token=... / ?password=...      for scripts; the share link never carries them
 * The token is appended to the signaling URL as `?token=`; the password is y-webrtc's room
 * password (signaling messages are encrypted with it, the server never sees it).
 */
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import type { DemoState } from '../demo-state.js';
import { diagnose, patienceMs } from './diagnosis.js';
import { bindTextarea } from './textarea-binding.js';

interface Settings {
  readonly room: string;
  readonly signaling: string;
  readonly token: string;
  readonly password: string;
  readonly stun: string;
}

type SignalingStatus = DemoState['signaling'];

/** The part of lib0's WebsocketClient (y-webrtc's SignalingConn) the page listens to. */
interface SignalingConnection {
  readonly connected: boolean;
  on(event: string, listener: (...args: never[]) => void): void;
  off(event: string, listener: (...args: never[]) => void): void;
}

interface Session {
  readonly settings: Settings;
  readonly doc: Y.Doc;
  readonly text: Y.Text;
  readonly provider: WebrtcProvider;
  inRoom: boolean;
  readonly openedAt: number;
  /** Why it is not in its room, once it has waited `patienceMs`; asked again every few seconds. */
  problem: string | undefined;
  diagnosedAt: number;
  close(): Promise<void>;
}

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
};

const ui = {
  text: element<HTMLTextAreaElement>('text'),
  status: element('signaling-status'),
  problem: element('signaling-problem'),
  peers: element('peer-count'),
  room: element('room-name'),
  share: element<HTMLAnchorElement>('share-link'),
  copy: element<HTMLButtonElement>('copy-link'),
  signalingUrl: element('signaling-url'),
  form: element<HTMLFormElement>('settings'),
  fields: {
    room: element<HTMLInputElement>('room'),
    signaling: element<HTMLInputElement>('signaling'),
    token: element<HTMLInputElement>('token'),
    password: element<HTMLInputElement>('password'),
    stun: element<HTMLInputElement>('stun'),
  },
};

const defaultSignalingUrl = location.origin.replace(/^http/, 'ws');

/** What is wrong with the address itself (a `?signaling=` that is no URL); shown until the form is used. */
let addressProblem: string | undefined;

function isSignalingUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'ws:' || protocol === 'wss:';
  } catch {
    return false;
  }
}

function settingsFromAddress(): Settings {
  const query = new URLSearchParams(location.search);
  const asked = query.get('signaling');
  if (asked && !isSignalingUrl(asked)) {
    addressProblem =
      `The address asks for the signaling server "${asked}", which is not a ws:// or wss:// URL. ` +
      `This page uses its own server (${defaultSignalingUrl}) instead: put the right URL in the signaling URL field below.`;
  }
  return {
    room: roomFromHash() || `demo-${Math.random().toString(36).slice(2, 8)}`,
    signaling: asked && isSignalingUrl(asked) ? asked : defaultSignalingUrl,
    token: query.get('token') ?? '',
    password: query.get('password') ?? '',
    stun: query.get('stun') ?? '',
  };
}

function roomFromHash(): string {
  try {
    return decodeURIComponent(location.hash.slice(1)).trim();
  } catch {
    return location.hash.slice(1).trim();
  }
}

/** The address to share: room and any non-default server settings, never token or password. */
function shareLink(settings: Settings): string {
  const url = new URL(location.pathname, location.origin);
  if (settings.signaling !== defaultSignalingUrl) url.searchParams.set('signaling', settings.signaling);
  if (settings.stun) url.searchParams.set('stun', settings.stun);
  url.hash = encodeURIComponent(settings.room);
  return url.toString();
}

function signalingUrlWithToken(settings: Settings, masked = false): string {
  if (!settings.token) return settings.signaling;
  const url = new URL(settings.signaling);
  url.searchParams.set('token', masked ? '…' : settings.token);
  return masked ? url.toString().replace(encodeURIComponent('…'), '…') : url.toString();
}

function open(settings: Settings): Session {
  const doc = new Y.Doc();
  const text = doc.getText('text');
  const provider = new WebrtcProvider(settings.room, doc, {
    signaling: [signalingUrlWithToken(settings)],
    ...(settings.password ? { password: settings.password } : {}),
    // No ICE servers unless asked for: candidates are this machine's own addresses only.
    peerOpts: { config: { iceServers: settings.stun ? [{ urls: settings.stun }] : [] } },
  });
  const unbind = bindTextarea(text, ui.text);
  const connections = provider.signalingConns as SignalingConnection[];
  const session: Session = { settings, doc, text, provider, inRoom: false, openedAt: Date.now(), problem: undefined, diagnosedAt: 0, close };

  // Only listens to what the server sends; the provider is used as it is.
  const onMessage = (message: { type?: string; topic?: string }) => {
    if (message.type === 'publish' && message.topic === settings.room && !session.inRoom) {
      session.inRoom = true;
      render();
    }
  };
  const onConnectionChange = () => {
    if (!connections.some((connection) => connection.connected)) session.inRoom = false;
    render();
  };
  for (const connection of connections) {
    connection.on('message', onMessage);
    connection.on('connect', onConnectionChange);
    connection.on('disconnect', onConnectionChange);
  }
  provider.on('peers', render);
  provider.on('synced', render);

  async function close(): Promise<void> {
    unbind();
    for (const connection of connections) {
      connection.off('message', onMessage);
      connection.off('connect', onConnectionChange);
      connection.off('disconnect', onConnectionChange);
    }
    provider.disconnect();
    provider.destroy();
    // y-webrtc frees the room name once the key is settled; a new provider may then take it.
    await provider.key;
    await new Promise((resolve) => setTimeout(resolve, 0));
    doc.destroy();
  }
  return session;
}

let session: Session | undefined;
let switching: Promise<void> = Promise.resolve();

function state(): DemoState {
  const current = session;
  if (!current) throw new Error('not started');
  const room = current.provider.room;
  const connections = current.provider.signalingConns as SignalingConnection[];
  const signaling: SignalingStatus = connections.some((connection) => connection.connected)
    ? 'connected'
    : current.provider.connected || current.provider.shouldConnect
      ? 'connecting'
      : 'disconnected';
  return {
    room: current.settings.room,
    signalingUrl: signalingUrlWithToken(current.settings, true),
    signaling,
    inRoom: current.inRoom,
    peers: room ? [...room.webrtcConns.values()].filter((connection) => connection.connected).length : 0,
    tabs: room ? room.bcConns.size : 0,
    encrypted: current.settings.password !== '',
    text: current.text.toString(),
    ...(addressProblem ? { problem: addressProblem } : current.problem && !current.inRoom ? { problem: current.problem } : {}),
  };
}

/** Asks why the page is not in its room once it has waited long enough, and again every few seconds. */
function checkProblem(current: Session, connected: boolean): void {
  if (current.inRoom) {
    current.problem = undefined;
    return;
  }
  const now = Date.now();
  if (now - current.openedAt < patienceMs || now - current.diagnosedAt < patienceMs) return;
  current.diagnosedAt = now;
  const { signaling, token, room } = current.settings;
  void diagnose({ signaling, token, room, connected }, location.origin).then((problem) => {
    if (session !== current) return;
    current.problem = problem;
    render();
  }, () => undefined);
}

function render(): void {
  if (!session) return;
  checkProblem(session, (session.provider.signalingConns as SignalingConnection[]).some((connection) => connection.connected));
  const now = state();
  ui.problem.hidden = now.problem === undefined;
  ui.problem.textContent = now.problem ?? '';
  const label = now.signaling === 'connected' ? (now.inRoom ? 'connected, in room' : 'connected') : now.signaling;
  ui.status.textContent = `signaling: ${label}`;
  ui.status.dataset['state'] = now.signaling;
  ui.status.dataset['inRoom'] = String(now.inRoom);
  ui.peers.textContent = `peers: ${now.peers}${now.tabs > 0 ? ` (+${now.tabs} tab${now.tabs > 1 ? 's' : ''})` : ''}`;
  ui.peers.dataset['count'] = String(now.peers);
  ui.room.textContent = now.room + (now.encrypted ? ' 🔒' : '');
  ui.signalingUrl.textContent = now.signalingUrl;
  const link = shareLink(session.settings);
  if (ui.share.href !== link) {
    ui.share.href = link;
    ui.share.textContent = link;
  }
}

function fillForm(settings: Settings): void {
  ui.fields.room.value = settings.room;
  ui.fields.signaling.value = settings.signaling;
  ui.fields.token.value = settings.token;
  ui.fields.password.value = settings.password;
  ui.fields.stun.value = settings.stun;
}

/** Shows `settings` in the address bar (without token and password) and joins with them. */
function switchTo(settings: Settings): Promise<void> {
  history.replaceState(null, '', shareLink(settings));
  fillForm(settings);
  switching = switching.then(async () => {
    await session?.close();
    session = open(settings);
    render();
  });
  return switching;
}

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const room = ui.fields.room.value.trim();
  const signaling = ui.fields.signaling.value.trim() || defaultSignalingUrl;
  if (!isSignalingUrl(signaling)) {
    ui.fields.signaling.setCustomValidity('a ws:// or wss:// URL');
    ui.fields.signaling.reportValidity();
    return;
  }
  addressProblem = undefined;
  void switchTo({
    room: room || settingsFromAddress().room,
    signaling,
    token: ui.fields.token.value.trim(),
    password: ui.fields.password.value,
    stun: ui.fields.stun.value.trim(),
  });
});

ui.fields.signaling.addEventListener('input', () => ui.fields.signaling.setCustomValidity(''));

window.addEventListener('hashchange', () => {
  const room = roomFromHash();
  if (session && room && room !== session.settings.room) void switchTo({ ...session.settings, room });
});

ui.copy.addEventListener('click', () => {
  void navigator.clipboard?.writeText(ui.share.href).then(
    () => (ui.copy.textContent = 'copied'),
    () => (ui.copy.textContent = 'copy failed'),
  );
  setTimeout(() => (ui.copy.textContent = 'copy link'), 1500);
});

// Connection flags of WebRTC peers change without an event of their own.
setInterval(render, 250);

declare global {
  interface Window {
    /** For the console (and the browser tests): the live objects and a summary. */
    yDemo: { readonly doc: Y.Doc | undefined; readonly text: Y.Text | undefined; readonly provider: WebrtcProvider | undefined; state(): DemoState };
  }
}
window.yDemo = {
  get doc() {
    return session?.doc;
  },
  get text() {
    return session?.text;
  },
  get provider() {
    return session?.provider;
  },
  state,
};

void switchTo(settingsFromAddress());
