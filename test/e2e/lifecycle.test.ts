import { lifecycleSuite } from '../support/lifecycle-suite.js';

lifecycleSuite('in-order');
