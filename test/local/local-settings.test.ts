import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/config/limits.js';
import { defaultLocalSettings, localSettings } from '../../src/local/local-settings.js';

describe('localSettings', () => {
  it('has the documented defaults, with a random timing seed', () => {
    const settings = localSettings({});
    expect(settings).toEqual({ ...defaultLocalSettings(), timingSeed: expect.any(Number) });
    expect(Number.isInteger(settings.timingSeed)).toBe(true);
  });

  it('reads PORT, TABLE_NAME, DYNAMODB_ENDPOINT, IDLE_TIMEOUT_SECONDS, GATEWAY_TIMING, GATEWAY_TIMING_SEED, WARM_UP_SECONDS, LOCAL_FUNCTIONS, LAMBDA_CONCURRENCY, FUNCTION_LOGS, LOCAL_TOKEN_SECONDS, LOCAL_TURN and LOCAL_TURN_SECRET', () => {
    expect(
      localSettings({
        PORT: '0',
        TABLE_NAME: 't',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        IDLE_TIMEOUT_SECONDS: '5',
        GATEWAY_TIMING: 'aws',
        GATEWAY_TIMING_SEED: '42',
        WARM_UP_SECONDS: '0',
        LOCAL_FUNCTIONS: 'bundles',
        LAMBDA_CONCURRENCY: '3',
        FUNCTION_LOGS: 'logs',
        LOCAL_TOKEN_SECONDS: '15',
        LOCAL_TURN: 'coturn',
        LOCAL_TURN_SECRET: 'secret',
      }),
    ).toEqual({
      ...defaultLocalSettings(),
      port: 0,
      tableName: 't',
      dynamodbEndpoint: 'http://127.0.0.1:8000',
      idleTimeoutSeconds: 5,
      gatewayTiming: 'aws',
      timingSeed: 42,
      warmUpSeconds: 0,
      functions: 'bundles',
      concurrencyLimit: 3,
      functionLogs: 'logs',
      localTokenSeconds: 15,
      turn: 'coturn',
      turnSecret: 'secret',
    });
  });

  it("reads the handlers' settings and authorization into the same object", () => {
    const settings = localSettings({ JOIN_ORDER: 'arrival', SIGNAL_DELIVERY: 'room', MAX_CONNECTION_SECONDS: '30', AUTH_ALLOWED_ORIGINS: 'https://a.example', LOCAL_DELIVERY: 'management-api' });
    expect([settings.joinOrder, settings.signalDelivery, settings.limits.maxConnectionSeconds, settings.delivery]).toEqual(['arrival', 'room', 30, 'management-api']);
    expect(settings.auth?.allowedOrigins).toEqual(['https://a.example']);
  });

  it('names the setting and what it accepts when a value is wrong', () => {
    expect(() => localSettings({ PORT: 'http' })).toThrow(/PORT must be an integer from 0 to 65535, got "http"/);
    expect(() => localSettings({ IDLE_TIMEOUT_SECONDS: '0' })).toThrow(ConfigurationError);
    expect(() => localSettings({ GATEWAY_TIMING: 'random' })).toThrow(/GATEWAY_TIMING must be in-order, parallel, aws, got "random"/);
    expect(() => localSettings({ FRAME_ORDER: 'parallel' })).toThrow(/FRAME_ORDER is replaced by GATEWAY_TIMING/);
    expect(() => localSettings({ WARM_UP_SECONDS: '61' })).toThrow(/WARM_UP_SECONDS must be an integer from 0 to 60, got "61"/);
    expect(() => localSettings({ LOCAL_FUNCTIONS: 'lambda' })).toThrow(/LOCAL_FUNCTIONS must be bundles or sources, got "lambda"/);
    expect(() => localSettings({ LOCAL_TURN: 'stun' })).toThrow(/LOCAL_TURN must be off or coturn, got "stun"/);
    expect(() => localSettings({ LOCAL_TOKEN_SECONDS: '0' })).toThrow(/LOCAL_TOKEN_SECONDS must be an integer of at least 1, got "0"/);
  });
});
