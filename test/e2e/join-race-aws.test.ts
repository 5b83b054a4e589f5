// The tests and their assertions are in test/support/join-race.ts; this file runs them in
// GATEWAY_TIMING=aws, on the shipped bundles in execution environments (LOCAL_FUNCTIONS=bundles).
import { joinRaceSuite } from '../support/join-race.js';

joinRaceSuite('aws', 10, 'bundles');
