import { joinRaceSuite } from '../support/join-race.js';

joinRaceSuite('in-order', 10);
