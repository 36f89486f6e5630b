module.exports = (who) => `hello, ${who}\n`;
