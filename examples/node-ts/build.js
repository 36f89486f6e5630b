// `npm run build`: src/*.ts -> dist/*.js with strip-types (a devDependency).
'use strict';
const fs = require('fs');
const path = require('path');
const { stripTypes } = require('strip-types');

const config = JSON.parse(fs.readFileSync(path.join(__dirname, 'tsconfig.json'), 'utf8'));
const src = path.join(__dirname, config.compilerOptions.rootDir);
const out = path.join(__dirname, config.compilerOptions.outDir);
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
for (const name of fs.readdirSync(src).filter((f) => f.endsWith('.ts'))) {
  const js = stripTypes(fs.readFileSync(path.join(src, name), 'utf8'));
  fs.writeFileSync(path.join(out, name.replace(/\.ts$/, '.js')), js);
  console.log(`compiled ${name}`);
}
