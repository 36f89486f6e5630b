"""A stdlib HTTP server on port 5000 that answers GET / with text from the fastgreet C extension."""
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import fastgreet


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/":
            self.send_error(404)
            return
        body = (fastgreet.greet("python-cext") + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", 5000), Handler).serve_forever()
