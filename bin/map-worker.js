'use strict';
// A worker thread of a parallel `udm map` (parsers/run/map-worker.ts), or of `udm bench`'s
// in-process measurements (the module its workerData names as `entry`). It loads a handful of
// TypeScript modules, transpiled by SWC, the transpiler ts-node uses for the CLI. ts-node itself
// is not loaded here: it brings the TypeScript compiler along to read tsconfig.json, about
// 45 MB per thread, and these modules need nothing from the config but the target below.
const { transformSync } = require('@swc/core');
const { readFileSync } = require('node:fs');

const options = (filename) => ({
  filename,
  jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
});

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), options(filename));
  module._compile(code, filename);
};

require(require('node:worker_threads').workerData?.entry ?? '../parsers/run/map-worker.ts');
