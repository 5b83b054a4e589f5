/**
 * The CDK app (`cdk.json` runs it with tsx): one stack with the signaling service, checked
 * by cdk-nag's AWS Solutions rules as a CDK validation plugin, so a finding that is not
 * acknowledged (with a reason) fails `cdk synth` and `cdk deploy` alike.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { appSettings } from './app-context.js';
import { YWebrtcSignalingStack } from './stack.js';

const app = new App();
const { stackName, stackProps } = appSettings(app);
new YWebrtcSignalingStack(app, stackName, stackProps);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
