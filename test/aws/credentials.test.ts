import { describe, expect, it } from 'vitest';
import { awsIdentityFromEnvironment } from '../../src/aws/credentials.js';

describe('awsIdentityFromEnvironment', () => {
  const lambda = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' };

  it("reads what Lambda gives a function: region and the role's session", () => {
    expect(awsIdentityFromEnvironment(lambda)).toEqual({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
    });
    expect(awsIdentityFromEnvironment({ ...lambda, AWS_SESSION_TOKEN: '' }).credentials).toEqual({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret' });
  });

  it('names the variable that is missing', () => {
    for (const name of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const) {
      expect(() => awsIdentityFromEnvironment({ ...lambda, [name]: undefined })).toThrow(new RegExp(`^${name} is not set`));
    }
  });
});
