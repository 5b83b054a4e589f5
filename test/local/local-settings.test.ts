import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/config/limits.js';
import { defaultLocalSettings, localSettings } from '../../src/local/local-settings.js';

describe('localSettings', () => {
  it('has the documented defaults, with a random timing seed', () => {
    const settings = localSettings({});
    expect(settings).toEqual({ ...defaultLocalSettings, dynamodbEndpoint: undefined, timingSeed: expect.any(Number) });
    expect(Number.isInteger(settings.timingSeed)).toBe(true);
  });

  it('reads PORT, TABLE_NAME, DYNAMODB_ENDPOINT, IDLE_TIMEOUT_SECONDS, GATEWAY_TIMING, GATEWAY_TIMING_SEED and WARM_UP_SECONDS', () => {
    expect(
      localSettings({
        PORT: '0',
        TABLE_NAME: 't',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        IDLE_TIMEOUT_SECONDS: '5',
        GATEWAY_TIMING: 'aws',
        GATEWAY_TIMING_SEED: '42',
        WARM_UP_SECONDS: '0',
      }),
    ).toEqual({ port: 0, tableName: 't', dynamodbEndpoint: 'http://127.0.0.1:8000', idleTimeoutSeconds: 5, gatewayTiming: 'aws', timingSeed: 42, warmUpSeconds: 0 });
  });

  it('names the setting and what it accepts when a value is wrong', () => {
    expect(() => localSettings({ PORT: 'http' })).toThrow(/PORT must be an integer from 0 to 65535, got "http"/);
    expect(() => localSettings({ IDLE_TIMEOUT_SECONDS: '0' })).toThrow(ConfigurationError);
    expect(() => localSettings({ GATEWAY_TIMING: 'random' })).toThrow(/GATEWAY_TIMING must be in-order, parallel, aws, got "random"/);
    expect(() => localSettings({ FRAME_ORDER: 'parallel' })).toThrow(/FRAME_ORDER is replaced by GATEWAY_TIMING/);
    expect(() => localSettings({ WARM_UP_SECONDS: '61' })).toThrow(/WARM_UP_SECONDS must be an integer from 0 to 60, got "61"/);
  });
});
