import { protocolSuite } from '../support/protocol-suite.js';

protocolSuite('aws');
