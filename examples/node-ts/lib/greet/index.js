'use strict';
exports.greet = (who) => `hello from ${who}`;
