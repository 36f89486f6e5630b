// The site's build: copies src/ to dist/, filling {{title}} in the HTML
// files and dropping blank lines and comments from the CSS ones.
'use strict';
const fs = require('fs');
const path = require('path');

const src = path.join(__dirname, 'src');
const out = path.join(__dirname, 'dist');
const title = 'stagec static site';

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
for (const name of fs.readdirSync(src)) {
  let text = fs.readFileSync(path.join(src, name), 'utf8');
  if (name.endsWith('.html')) text = text.split('{{title}}').join(title);
  if (name.endsWith('.css')) {
    text = text.replace(/\/\*[\s\S]*?\*\//g, '').split('\n').filter((l) => l.trim()).join('\n') + '\n';
  }
  fs.writeFileSync(path.join(out, name), text);
  console.log(`built dist/${name}`);
}
