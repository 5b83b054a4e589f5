// The tests and their assertions are in test/support/join-race.ts; this file runs them in the default in-order timing.
// One file per timing: a process holds one local runtime (the handlers keep their clients).
import { joinRaceSuite } from '../support/join-race.js';

joinRaceSuite('in-order', 10);
