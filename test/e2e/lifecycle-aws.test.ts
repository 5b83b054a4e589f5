// The tests and their assertions are in test/support/lifecycle-suite.ts; this file runs them in GATEWAY_TIMING=aws.
// One file per timing: a process holds one local runtime (the handlers keep their clients).
import { lifecycleSuite } from '../support/lifecycle-suite.js';

lifecycleSuite('aws');
