import { lifecycleSuite } from '../support/lifecycle-suite.js';

lifecycleSuite('aws');
