// A stand-in for the TypeScript compiler, enough for this example: turns
// `import x = require('m')` into a const and removes type annotations of
// the forms `name: Type` (in declarations and parameter lists) and
// `): Type {`.  Not a TypeScript parser.
'use strict';

function stripTypes(source) {
  return source
    .replace(/^import (\w+) = require\(([^)]*)\);/gm, 'const $1 = require($2);')
    .replace(/\)\s*:\s*[\w.<>\[\]| ]+\s*(=>|\{)/g, ') $1')
    .replace(/(\b(?:const|let|var)\s+\w+)\s*:\s*[\w.<>\[\]| ]+\s*=/g, '$1 =')
    .replace(/(\(|,\s*)(\w+)\s*:\s*[\w.<>\[\]| ]+(?=[,)])/g, '$1$2');
}

module.exports = { stripTypes };
