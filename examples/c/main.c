/*
 * A small HTTP server on port 8080: GET / answers a line that SQLite (the
 * shared library from Debian's libsqlite3-0) computes; anything else 404.
 * One request at a time, which is all the example needs.
 */
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int greeting(char *out, size_t size)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int ok = 0;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT 'Hello from C! (SQLite ' || sqlite_version() || ')'", -1, &st,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(out, size, "%s\n", (const char *)sqlite3_column_text(st, 0));
			ok = 1;
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return ok;
}

static void answer(int fd)
{
	char req[2048], body[256], head[256];
	ssize_t n = read(fd, req, sizeof(req) - 1);
	if (n <= 0)
		return;
	req[n] = '\0';
	const char *status = "200 OK";
	if (strncmp(req, "GET / ", 6) != 0) {
		status = "404 Not Found";
		snprintf(body, sizeof(body), "not found\n");
	} else if (!greeting(body, sizeof(body))) {
		status = "500 Internal Server Error";
		snprintf(body, sizeof(body), "sqlite failed\n");
	}
	int len = snprintf(head, sizeof(head),
			   "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
			   "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			   status, strlen(body));
	if (write(fd, head, (size_t)len) < 0 || write(fd, body, strlen(body)) < 0)
		perror("write");
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(8080), .sin_addr.s_addr = INADDR_ANY};
	if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 16) < 0) {
		perror("listen on :8080");
		return 1;
	}
	printf("listening on :8080\n");
	fflush(stdout);
	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		answer(c);
		close(c);
	}
}
