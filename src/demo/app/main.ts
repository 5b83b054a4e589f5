/**
 * The demo page `npm start` serves: a Y.Text bound to a text area, shared through an
 * unmodified y-webrtc provider with every page open on the same room.
 *
 * Settings come from the address and the form:
 *   #<room>                         the room (the share link carries it)
 *   ?signaling=wss://...            signaling URL; default: this page's own origin, ws(s)://
 *   ?stun=stun:host:port            one STUN server; default none, so nothing leaves the machine
 *   ?tokenUrl=/token                where to GET a fresh token (text, or JSON { token, expiresAt })
 *   ?relay=1                        relayed paths only (iceTransportPolicy: 'relay'): TURN or nothing
 *   ?clientModule=off               y-webrtc alone: the token put in the URL once, as before the client
 *                                   module (the tests' negative control)
 *   ?iceServers=[…]                 the ICE servers as JSON, for scripts and tests; otherwise the page's
 *                                   own server's GET /ice-servers (npm start with LOCAL_TURN=coturn), if it offers TURN
 *   ?token=... / ?password=...      for scripts; the share link never carries them
 * With a token or a token URL the page keeps its signaling connection presenting a valid
 * token through the package's client module (SignalingAuth), as an app would: every reconnect
 * gets a fresh one. The password is y-webrtc's room password (signaling messages are
 * encrypted with it, the server never sees it).
 */
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { IceServersError, IceServersRefresher, SignalingAuth, jwtExpiry, type IceServer, type TokenFailure, type TokenRequest, type TokenResult } from '../../client/index.js';
import type { DemoState } from '../demo-state.js';
import { diagnose, patienceMs } from './diagnosis.js';
import { bindTextarea } from './textarea-binding.js';

interface Settings {
  readonly room: string;
  readonly signaling: string;
  readonly token: string;
  readonly tokenUrl: string;
  readonly password: string;
  readonly stun: string;
  readonly relay: boolean;
  /** false: the token goes into the signaling URL once, with no client module to renew it. */
  readonly clientModule: boolean;
  /** ICE servers given as JSON in the address; '' to ask the page's own server. */
  readonly iceServers: string;
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
  /** TURN credentials from the server's ICE servers endpoint are in use. */
  readonly turn: boolean;
  /** Why the server's TURN servers are not in use, when it refused them. */
  readonly iceProblem: string | undefined;
  inRoom: boolean;
  signalingOpened: number;
  /** The last failure to get a token, until the signaling connection opens again. */
  tokenProblem: string | undefined;
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
    tokenUrl: element<HTMLInputElement>('token-url'),
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
    tokenUrl: query.get('tokenUrl') ?? '',
    password: query.get('password') ?? '',
    stun: query.get('stun') ?? '',
    relay: query.get('relay') === '1',
    clientModule: query.get('clientModule') !== 'off',
    iceServers: query.get('iceServers') ?? '',
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
  if (settings.relay) url.searchParams.set('relay', '1');
  if (settings.tokenUrl) url.searchParams.set('tokenUrl', settings.tokenUrl);
  url.hash = encodeURIComponent(settings.room);
  return url.toString();
}

function signalingUrlWithToken(settings: Settings, masked = false): string {
  if (!settings.token) return settings.signaling;
  const url = new URL(settings.signaling);
  url.searchParams.set('token', masked ? '…' : settings.token);
  return masked ? url.toString().replace(encodeURIComponent('…'), '…') : url.toString();
}

/** Where the page gets tokens: the token URL, or the one token it was given; none without either. */
function tokenGetter(settings: Settings): ((request: TokenRequest) => Promise<TokenResult>) | undefined {
  if (settings.tokenUrl) {
    return async ({ rooms }) => {
      const url = new URL(settings.tokenUrl, location.href);
      url.searchParams.set('rooms', rooms.join(','));
      const response = await fetch(url, { cache: 'no-store' });
      if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
      return (response.headers.get('content-type') ?? '').includes('json') ? ((await response.json()) as TokenResult) : (await response.text()).trim();
    };
  }
  if (!settings.token) return undefined;
  return async () => {
    const expiresAt = jwtExpiry(settings.token);
    if (expiresAt !== undefined && expiresAt <= Date.now()) {
      throw new Error(`the token expired at ${new Date(expiresAt).toLocaleTimeString()}: put a fresh one in the token field, or give a token URL`);
    }
    return settings.token;
  };
}

/**
 * The ICE servers: the address's JSON; else the page's own server's TURN (GET /ice-servers),
 * kept fresh; else the STUN field, or none, so candidates are this machine's own addresses only.
 */
async function iceServersFor(
  settings: Settings,
  getToken: ((request: TokenRequest) => Promise<TokenResult>) | undefined,
): Promise<{ iceServers: readonly IceServer[]; refresher?: IceServersRefresher; problem?: string }> {
  const stunOnly = settings.stun ? [{ urls: settings.stun }] : [];
  if (settings.iceServers) {
    try {
      return { iceServers: JSON.parse(settings.iceServers) as IceServer[] };
    } catch {
      return { iceServers: stunOnly, problem: `?iceServers= is not JSON: ${settings.iceServers}` };
    }
  }
  if (new URL(settings.signaling).host !== location.host) return { iceServers: stunOnly };
  try {
    const refresher = await IceServersRefresher.start({ url: '/ice-servers', room: settings.room, ...(getToken ? { getToken } : {}) });
    return { iceServers: refresher.iceServers, refresher };
  } catch (error) {
    // Refused: say why. Anything else (404, no JSON) means this server offers no TURN.
    if (error instanceof IceServersError && [401, 403, 429].includes(error.status)) return { iceServers: stunOnly, problem: `No TURN servers: ${error.message}` };
    return { iceServers: stunOnly };
  }
}

async function open(settings: Settings): Promise<Session> {
  const doc = new Y.Doc();
  const text = doc.getText('text');
  const getToken = settings.clientModule ? tokenGetter(settings) : undefined;
  // A failure may come before the session exists: the first token is fetched before the provider.
  const early: { tokenProblem?: string; session?: Session } = {};
  const onTokenFailure = ({ error, attempt, retryInMs }: TokenFailure) => {
    const reason = error instanceof Error ? error.message : String(error);
    const problem = settings.tokenUrl
      ? `Could not get a signaling token from ${settings.tokenUrl} (attempt ${attempt}): ${reason}. Trying again in ${Math.ceil(retryInMs / 1000)} s.`
      : `No valid signaling token: ${reason}.`;
    if (early.session) early.session.tokenProblem = problem;
    else early.tokenProblem = problem;
    render();
  };
  const auth = getToken ? new SignalingAuth({ urls: [settings.signaling], getToken, onError: onTokenFailure }) : undefined;
  // Another switch stops the wait for a first token (signalingUrls then rejects).
  let cancelled = false;
  opening = {
    settings,
    cancel: () => {
      cancelled = true;
      auth?.destroy();
    },
    get tokenProblem() {
      return early.tokenProblem;
    },
  };
  const signaling = auth
    ? await auth.signalingUrls(settings.room).catch((error: unknown) => {
        doc.destroy();
        throw cancelled ? new OpenCancelled() : error;
      })
    : [settings.clientModule ? settings.signaling : signalingUrlWithToken(settings)];
  const ice = await iceServersFor(settings, getToken);
  const provider = new WebrtcProvider(settings.room, doc, {
    signaling,
    ...(settings.password ? { password: settings.password } : {}),
    peerOpts: { config: { iceServers: ice.iceServers, ...(settings.relay ? { iceTransportPolicy: 'relay' } : {}) } },
  });
  const detach = auth?.attach(provider);
  const detachIce = ice.refresher?.attach(provider);
  const unbind = bindTextarea(text, ui.text);
  const connections = provider.signalingConns as SignalingConnection[];
  const opened: Session = { settings, doc, text, provider, turn: ice.refresher !== undefined, iceProblem: ice.problem, inRoom: false, signalingOpened: 0, tokenProblem: early.tokenProblem, openedAt: Date.now(), problem: undefined, diagnosedAt: 0, close };
  early.session = opened;

  // Only listens to what the server sends; the provider is used as it is.
  const onMessage = (message: { type?: string; topic?: string }) => {
    if (message.type === 'publish' && message.topic === settings.room && !opened.inRoom) {
      opened.inRoom = true;
      render();
    }
  };
  const onConnectionChange = () => {
    if (!connections.some((connection) => connection.connected)) opened.inRoom = false;
    else opened.tokenProblem = undefined;
    render();
  };
  const onConnect = () => {
    opened.signalingOpened++;
    onConnectionChange();
  };
  for (const connection of connections) {
    connection.on('message', onMessage);
    connection.on('connect', onConnect);
    connection.on('disconnect', onConnectionChange);
  }
  provider.on('peers', render);
  provider.on('synced', render);

  async function close(): Promise<void> {
    unbind();
    for (const connection of connections) {
      connection.off('message', onMessage);
      connection.off('connect', onConnect);
      connection.off('disconnect', onConnectionChange);
    }
    detach?.();
    auth?.destroy();
    detachIce?.();
    ice.refresher?.destroy();
    provider.disconnect();
    provider.destroy();
    // y-webrtc frees the room name once the key is settled; a new provider may then take it.
    await provider.key;
    await new Promise((resolve) => setTimeout(resolve, 0));
    doc.destroy();
  }
  return opened;
}

class OpenCancelled extends Error {}

let session: Session | undefined;
/** Counts switches: a switch that a later one overtook before it began is skipped. */
let switches = 0;
/** The settings being opened while the first token is fetched, before there is a session. */
let opening: { readonly settings: Settings; readonly tokenProblem: string | undefined; cancel(): void } | undefined;
let switching: Promise<void> = Promise.resolve();

function state(): DemoState {
  const current = session;
  if (!current) {
    if (!opening) throw new Error('not started');
    const { settings, tokenProblem } = opening;
    return {
      room: settings.room,
      signalingUrl: signalingUrlWithToken(settings, true),
      signaling: 'connecting',
      signalingOpened: 0,
      turn: false,
      inRoom: false,
      peers: 0,
      tabs: 0,
      encrypted: settings.password !== '',
      text: '',
      ...(tokenProblem ? { problem: tokenProblem } : {}),
    };
  }
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
    signalingOpened: current.signalingOpened,
    turn: current.turn,
    inRoom: current.inRoom,
    peers: room ? [...room.webrtcConns.values()].filter((connection) => connection.connected).length : 0,
    tabs: room ? room.bcConns.size : 0,
    encrypted: current.settings.password !== '',
    text: current.text.toString(),
    ...(addressProblem
      ? { problem: addressProblem }
      : current.tokenProblem
        ? { problem: current.tokenProblem }
        : current.problem && !current.inRoom
          ? { problem: current.problem }
          : current.iceProblem
            ? { problem: current.iceProblem }
            : {}),
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
  const settings = session?.settings ?? opening?.settings;
  if (!settings) return;
  if (session) checkProblem(session, (session.provider.signalingConns as SignalingConnection[]).some((connection) => connection.connected));
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
  const link = shareLink(settings);
  if (ui.share.href !== link) {
    ui.share.href = link;
    ui.share.textContent = link;
  }
}

function fillForm(settings: Settings): void {
  ui.fields.room.value = settings.room;
  ui.fields.signaling.value = settings.signaling;
  ui.fields.token.value = settings.token;
  ui.fields.tokenUrl.value = settings.tokenUrl;
  ui.fields.password.value = settings.password;
  ui.fields.stun.value = settings.stun;
}

/** Shows `settings` in the address bar (without token and password) and joins with them. */
function switchTo(settings: Settings): Promise<void> {
  history.replaceState(null, '', shareLink(settings));
  fillForm(settings);
  opening?.cancel();
  const switchNumber = ++switches;
  switching = switching.then(async () => {
    if (switchNumber !== switches) return;
    await session?.close();
    session = undefined;
    try {
      session = await open(settings);
    } catch (error) {
      // Cancelled by a later switch, which runs next.
      if (error instanceof OpenCancelled) return;
      throw error;
    }
    opening = undefined;
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
    tokenUrl: ui.fields.tokenUrl.value.trim(),
    password: ui.fields.password.value,
    stun: ui.fields.stun.value.trim(),
    relay: session?.settings.relay ?? false,
    clientModule: session?.settings.clientModule ?? true,
    iceServers: session?.settings.iceServers ?? '',
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
