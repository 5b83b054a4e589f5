// The tests and their assertions are in test/support/lifecycle-suite.ts; this file runs them in
// GATEWAY_TIMING=aws, on the shipped bundles in execution environments (LOCAL_FUNCTIONS=bundles).
import { lifecycleSuite } from '../support/lifecycle-suite.js';

lifecycleSuite('aws', 'bundles');
