// An HTTP server on port 8080 with the JDK's own com.sun.net.httpserver:
// GET / answers a line of text, anything else 404.
package example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

public final class Server {
    private static void answer(HttpExchange ex) throws IOException {
        boolean root = "/".equals(ex.getRequestURI().getPath());
        byte[] body = (root ? "Hello from Java " + Runtime.version().feature() + "!\n" : "not found\n")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(root ? 200 : 404, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(8080), 0);
        server.createContext("/", Server::answer);
        server.start();
        System.out.println("listening on :8080");
    }
}
