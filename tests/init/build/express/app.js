// The application, as express-generator lays it out: routes in routes/,
// the server in bin/www.js.
const http = require("http");
const index = require("./routes/index");
module.exports = http.createServer(index);
