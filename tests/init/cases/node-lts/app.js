require("http").createServer().listen(process.env.PORT ?? 5173);
