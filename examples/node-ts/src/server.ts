import http = require('http');
const { greet } = require('greet');

const port: number = Number(process.env.PORT || 3000);

function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  const body: string = greet('node-ts') + '\n';
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(body);
}

http.createServer(answer).listen(port, '0.0.0.0', () => {
  console.log(`listening on port ${port}`);
});
