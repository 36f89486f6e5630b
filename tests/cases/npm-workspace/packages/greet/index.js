// A workspace package: apps/web depends on it through the workspace link
// npm makes in node_modules/@acme/greet (-> ../../packages/greet).
module.exports = (name) => `Hello, ${name}, from a workspace package!`;
