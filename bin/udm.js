#!/usr/bin/env node
'use strict';
// The `udm` command: its TypeScript sources are transpiled by SWC as they load (register.js).
require('./register.js');
// A reader that goes away (`udm test | head`) ends the output; that is not an error to report.
// Any other failure is one line and exit 2, said once: the command's writer may have said it.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  if (require('../parsers/cli/io.ts').isExplained(error)) return;
  process.stderr.write(`udm: cannot write standard output: ${error.message}\n`);
  process.exit(2);
});
require('../parsers/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
