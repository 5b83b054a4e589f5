/**
 * The CDK app (`cdk.json` runs it with tsx): one stack with the signaling service, checked
 * by cdk-nag's AWS Solutions rules as a CDK validation plugin, so a finding that is not
 * acknowledged (with a reason) fails `cdk synth` and `cdk deploy` alike. The stack uses the
 * built package (`npm run build`; `npm run synth` and `npm run deploy` build first).
 */
import { existsSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

if (!existsSync(new URL('../dist/infra/index.js', import.meta.url))) {
  process.stderr.write('The package is not built: run `npm run build` first (`npm run synth` and `npm run deploy` do it for you).\n');
  process.exit(1);
}
const { appSettings } = await import('./app-context.js');
const { YWebrtcSignalingStack } = await import('./stack.js');

const app = new App();
const { stackName, stackProps } = appSettings(app);
new YWebrtcSignalingStack(app, stackName, stackProps);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
