// The tests and their assertions are in test/support/protocol-suite.ts; this file runs them in the default in-order timing.
// One file per timing: a process holds one local runtime (the handlers keep their clients).
import { protocolSuite } from '../support/protocol-suite.js';

protocolSuite('in-order');
