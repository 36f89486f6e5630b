// A small HTTP server on port 8080 in C++: GET / answers a line with the
// CRC-32 that zlib (Debian's zlib1g, linked at run time) computes of it.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

static std::string response(const std::string &request)
{
	std::string status = "200 OK", body;
	if (request.rfind("GET / ", 0) != 0) {
		status = "404 Not Found";
		body = "not found\n";
	} else {
		const std::string text = "Hello from C++!";
		uLong crc = crc32(0L, reinterpret_cast<const Bytef *>(text.data()), static_cast<uInt>(text.size()));
		char line[128];
		std::snprintf(line, sizeof(line), "%s (zlib %s, crc32 %08lx)\n", text.c_str(), zlibVersion(), crc);
		body = line;
	}
	return "HTTP/1.1 " + status + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
	       std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

int main()
{
	std::signal(SIGPIPE, SIG_IGN);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_port = htons(8080);
	addr.sin_addr.s_addr = INADDR_ANY;
	if (s < 0 || bind(s, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0 || listen(s, 16) < 0) {
		std::perror("listen on :8080");
		return 1;
	}
	std::puts("listening on :8080");
	std::fflush(stdout);
	for (;;) {
		int c = accept(s, nullptr, nullptr);
		if (c < 0)
			continue;
		char buf[2048];
		ssize_t n = read(c, buf, sizeof(buf) - 1);
		if (n > 0) {
			std::string out = response(std::string(buf, static_cast<size_t>(n)));
			if (write(c, out.data(), out.size()) < 0)
				std::perror("write");
		}
		close(c);
	}
}
