import { joinRaceSuite } from '../support/join-race.js';

joinRaceSuite('aws', 10);
