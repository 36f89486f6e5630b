const http = require('http');
const greet = require('@acme/greet');

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(greet('web') + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(3000, () => console.log('listening on 3000'));
