// The tests and their assertions are in test/support/join-race.ts; this file runs them in GATEWAY_TIMING=aws.
// One file per timing: a process holds one local runtime (the handlers keep their clients).
import { joinRaceSuite } from '../support/join-race.js';

joinRaceSuite('aws', 10);
