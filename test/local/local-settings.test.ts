import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/config/limits.js';
import { defaultLocalSettings, localSettings } from '../../src/local/local-settings.js';

describe('localSettings', () => {
  it('has the documented defaults', () => {
    expect(localSettings({})).toEqual({ ...defaultLocalSettings, dynamodbEndpoint: undefined });
  });

  it('reads PORT, TABLE_NAME, DYNAMODB_ENDPOINT, IDLE_TIMEOUT_SECONDS and FRAME_ORDER', () => {
    expect(
      localSettings({ PORT: '0', TABLE_NAME: 't', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', IDLE_TIMEOUT_SECONDS: '5', FRAME_ORDER: 'parallel' }),
    ).toEqual({ port: 0, tableName: 't', dynamodbEndpoint: 'http://127.0.0.1:8000', idleTimeoutSeconds: 5, frameOrder: 'parallel' });
  });

  it('names the setting and what it accepts when a value is wrong', () => {
    expect(() => localSettings({ PORT: 'http' })).toThrow(/PORT must be an integer of at least 0, got "http"/);
    expect(() => localSettings({ IDLE_TIMEOUT_SECONDS: '0' })).toThrow(ConfigurationError);
    expect(() => localSettings({ FRAME_ORDER: 'random' })).toThrow(/FRAME_ORDER must be in-order or parallel, got "random"/);
  });
});
