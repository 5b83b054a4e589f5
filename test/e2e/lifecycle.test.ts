// The tests and their assertions are in test/support/lifecycle-suite.ts; this file runs them in the default in-order timing.
// One file per timing: a process holds one local runtime (the handlers keep their clients).
import { lifecycleSuite } from '../support/lifecycle-suite.js';

lifecycleSuite('in-order');
