/** The ICE servers endpoint's defaults, for the construct and `npm start` alike. */
export const iceServersDefaults = {
  /** How long TURN credentials of a shared-secret source live. */
  credentialTtlSeconds: 3_600,
  /** Requests per caller (token subject, or source IP without authorization) and window. */
  requestsPerWindow: 30,
  windowSeconds: 60,
} as const;

/** The path the endpoint answers on, locally and on its function URL. */
export const iceServersPath = '/ice-servers';
