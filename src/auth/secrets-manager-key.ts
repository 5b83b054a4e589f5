import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '../config/limits.js';
import { checkKeyLength } from './auth-config.js';

/** How long a key read from Secrets Manager is used before it is read again. */
export const secretKeyMaxAgeMs = 5 * 60_000;
/** After a failed read, how long the previous key stays in use before the next attempt. */
export const secretKeyRetryMs = 30_000;

/**
 * The HS256 key, read from Secrets Manager when the authorizer runs, not put into the
 * function's environment, where anyone allowed to read the function's configuration would
 * see it. Read once per container and again after `secretKeyMaxAgeMs`, so a rotated key is
 * in use within minutes without a read per connection. When a later read fails, the key
 * already read stays in use: a Secrets Manager outage does not lock every user out.
 */
export class SecretsManagerKey {
  private cached: { readonly key: string; readonly freshUntil: number } | undefined;
  private reading: Promise<string> | undefined;
  private client: SecretsManagerClient | undefined;

  constructor(
    private readonly secretId: string,
    /** Told of a failed read while the previous key stays in use. */
    private readonly onStaleKey: (error: unknown) => void = () => undefined,
  ) {}

  async current(): Promise<string> {
    if (this.cached && Date.now() < this.cached.freshUntil) return this.cached.key;
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<string> {
    try {
      const key = await this.fetch();
      this.cached = { key, freshUntil: Date.now() + secretKeyMaxAgeMs };
      return key;
    } catch (error) {
      if (!this.cached) throw error;
      this.onStaleKey(error);
      this.cached = { key: this.cached.key, freshUntil: Date.now() + secretKeyRetryMs };
      return this.cached.key;
    }
  }

  private async fetch(): Promise<string> {
    this.client ??= new SecretsManagerClient({});
    const { SecretString: key } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    if (key === undefined) {
      throw new ConfigurationError(`the secret ${this.secretId} holds no text: store the HS256 key as its secret string`);
    }
    checkKeyLength(key, `the key in the secret ${this.secretId}`);
    return key;
  }
}
