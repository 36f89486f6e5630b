'use strict';
// node --test: the greeting the server answers with.
const test = require('node:test');
const assert = require('node:assert');
const greet = require('greet');

test('greet names who it greets', () => {
  assert.strictEqual(greet('node-private'), 'Hello, node-private, from the greet package!');
});
