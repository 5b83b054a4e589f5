/**
 * The client side of y-webrtc-signaling-serverless, for browsers and Node: keeps y-webrtc
 * providers' signaling connections presenting a valid token. No server code, no dependencies.
 */
export { SignalingAuth, signalingAuthDefaults, type SignalingAuthOptions } from './signaling-auth.js';
export { jwtExpiry, type SignalingToken, type TokenResult } from './signaling-token.js';
export type { TokenFailure, TokenRequest } from './token-source.js';
export type { SignalingConnection, SignalingProvider } from './y-webrtc-shapes.js';
export { IceServersError, IceServersRefresher, fetchIceServers, type IceServer, type IceServersOptions, type IceServersResponse, type ProviderWithPeerOpts } from './ice-servers.js';
