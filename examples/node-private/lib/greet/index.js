'use strict';
// greet(name) -> a greeting string; a local dependency of the node example.
module.exports = function greet(name) {
  return `Hello, ${name}, from the greet package!`;
};
