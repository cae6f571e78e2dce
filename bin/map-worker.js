'use strict';
// A worker thread of a parallel `udm map` (parsers/run/map-worker.ts), or of `udm bench`'s
// in-process measurements (the module its workerData names as `entry`). It loads a handful of
// TypeScript modules, transpiled by SWC as the CLI's are (register.js).
require('./register.js');

require(require('node:worker_threads').workerData?.entry ?? '../parsers/run/map-worker.ts');
