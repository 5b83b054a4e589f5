// The tests and their assertions are in test/support/protocol-suite.ts; this file runs them in
// GATEWAY_TIMING=aws, on the shipped bundles in execution environments (LOCAL_FUNCTIONS=bundles),
// as the deployed stack runs them.
import { protocolSuite } from '../support/protocol-suite.js';

protocolSuite('aws', 'bundles');
