require("http").createServer((q, r) => r.end("web")).listen(3000);
