require('http').createServer((q, r) => r.end('ok\n')).listen(3000);
