import { runCleanupsAfterEachFile } from './cleanups.js';

// Tables and clients a helper made for a test file go with it, so later files do not pay for them.
runCleanupsAfterEachFile();
