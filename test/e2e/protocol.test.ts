import { protocolSuite } from '../support/protocol-suite.js';

protocolSuite('in-order');
