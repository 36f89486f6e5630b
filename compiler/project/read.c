/*
 * read.c - the one safe way to read a project file.
 *
 * A project file (Cargo.toml, pom.xml, package.json ...) is the user's, but
 * the build context may hold anything: a symlink to /etc/passwd or
 * /dev/zero, a FIFO that never ends, a 200 MB generated pom.xml.  So every
 * read goes through project_read(): the path is resolved component by
 * component (realpath) and must stay inside the context; the result is
 * opened with O_NOFOLLOW|O_NONBLOCK, so a FIFO cannot block the open; the
 * opened descriptor must be a regular file (fstat) of at most its kind's
 * cap, and reading stops at cap+1 bytes in case the file grows.  Errors say
 * what the file is and what to do, at the spec or template value that led
 * to it.  Files are read once per Project: a second reader of the same
 * file gets the same SourceFile, or nothing more to say.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "project.h"

const char *const project_skipped_dirs[] = {".git", "node_modules", "vendor", "target", "build", NULL};

bool project_init(Project *p, Arena *a, Diags *d, const char *dir, const char *display_dir)
{
	*p = (Project){.a = a, .d = d, .display_dir = display_dir ? display_dir : "."};
	char resolved[PATH_MAX];
	if (!stagec_realpath(dir, resolved))
		return false;
	p->context_real = arena_strdup(a, resolved);
	return true;
}

const char *project_display(const Project *p, const char *rel)
{
	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	if (strcmp(rel, ".") == 0 || !*rel)
		return p->display_dir;
	if (strcmp(p->display_dir, ".") == 0)
		return rel;
	size_t n = strlen(p->display_dir);
	return arena_printf(p->a, "%s%s%s", p->display_dir, n && p->display_dir[n - 1] == '/' ? "" : "/", rel);
}

static size_t cap_of(ProjectKind kind)
{
	switch (kind) {
	case PROJECT_XML:
		return PROJECT_XML_MAX;
	case PROJECT_HEAD:
		return PROJECT_HEAD_MAX;
	case PROJECT_TEXT:
	case PROJECT_TOML:
	case PROJECT_JSON:
		break;
	}
	return PROJECT_TEXT_MAX;
}

static const char *kind_name(ProjectKind kind)
{
	switch (kind) {
	case PROJECT_XML:
		return "an XML";
	case PROJECT_TOML:
		return "a TOML";
	case PROJECT_JSON:
		return "a JSON";
	case PROJECT_TEXT:
	case PROJECT_HEAD:
		break;
	}
	return "a text";
}

static const char *type_name(mode_t m)
{
	if (S_ISDIR(m))
		return "a folder";
	if (S_ISFIFO(m))
		return "a FIFO (named pipe)";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

static int resolve_stat(const Project *p, const char *rel, char *out, struct stat *st);

static int resolve(const Project *p, const char *rel, char *out)
{
	return resolve_stat(p, rel, out, NULL);
}

/* rel resolved into out, inside the context; with st, its stat too. */
static int resolve_stat(const Project *p, const char *rel, char *out, struct stat *st)
{
	if (!p->context_real)
		return ENOENT;
	if (rel[0] == '/')
		return EXDEV;
	int depth = 0; /* ".." that climbs above the context leaves it, whatever is there */
	for (const char *c = rel; *c; c = strchr(c, '/') ? strchr(c, '/') + 1 : c + strlen(c)) {
		if (strncmp(c, "..", 2) == 0 && (c[2] == '/' || !c[2]))
			depth--;
		else if (*c != '/' && !(c[0] == '.' && (c[1] == '/' || !c[1])))
			depth++;
		if (depth < 0)
			return EXDEV;
	}
	char *full = arena_printf(p->a, "%s/%s", p->context_real, rel);
	if (!(st ? stagec_realpath_stat(full, out, st) : stagec_realpath(full, out)))
		return errno == ENOTDIR ? ENOENT : errno;
	size_t n = strlen(p->context_real);
	if (strcmp(p->context_real, "/") != 0 &&
	    (strncmp(out, p->context_real, n) != 0 || (out[n] != '/' && out[n] != '\0')))
		return EXDEV;
	return 0;
}

int project_resolve(const Project *p, const char *rel, bool *ret_is_dir)
{
	char resolved[PATH_MAX];
	*ret_is_dir = false;
	struct stat st;
	int err = resolve_stat(p, rel, resolved, &st);
	if (!err)
		*ret_is_dir = S_ISDIR(st.st_mode);
	return err;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

bool project_list_dir(Project *p, const char *rel, StrList *ret)
{
	char resolved[PATH_MAX];
	if (resolve(p, rel, resolved) != 0)
		return false;
	DIR *dir = opendir(resolved);
	if (!dir)
		return false;
	size_t first = ret->n;
	for (struct dirent *e; (e = readdir(dir));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			strlist_push(p->a, ret, arena_strdup(p->a, e->d_name));
	closedir(dir);
	if (ret->n > first)
		qsort(ret->v + first, ret->n - first, sizeof(*ret->v), cmp_str);
	return true;
}

static const char *strip_dot(const char *rel);

ProjectEntry *project_entry(Project *p, const char *rel)
{
	rel = strip_dot(rel);
	for (ProjectEntry *e = p->cache; e; e = e->next)
		if (strcmp(e->rel, rel) == 0)
			return e;
	ProjectEntry *e = arena_alloc(p->a, sizeof(*e));
	e->rel = arena_strdup(p->a, rel);
	e->status = -1; /* not read yet */
	e->next = p->cache;
	p->cache = e;
	return e;
}

/* Reads the opened fd: at most cap+1 bytes, so a file that grew past its
 * cap after fstat is still caught.  Returns the length, or -1. */
static long read_capped(int fd, Strbuf *sb, size_t cap)
{
	char chunk[65536];
	while (sb->len <= cap) {
		size_t want = cap + 1 - sb->len;
		ssize_t n = read(fd, chunk, want < sizeof(chunk) ? want : sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		strbuf_add(sb, chunk, (size_t)n);
	}
	return (long)sb->len;
}

static ProjectStatus read_file(Project *p, const char *rel, ProjectKind kind, SrcPos blame, const SourceFile **ret)
{
	const char *shown = project_display(p, rel);
	char resolved[PATH_MAX];
	int err = resolve(p, rel, resolved);
	if (err == ENOENT)
		return PROJECT_MISSING;
	if (err == EXDEV) {
		diag_error(p->d, blame, "'%s' leads outside the build context (through a symlink or '..'); "
					"copy the file into the spec's folder instead of linking to it", shown);
		return PROJECT_FAILED;
	}
	if (err) {
		diag_error(p->d, blame, "cannot read '%s': %s", shown, strerror(err));
		return PROJECT_FAILED;
	}
	int fd = open(resolved, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		diag_error(p->d, blame, "cannot read '%s': %s", shown, strerror(errno));
		return PROJECT_FAILED;
	}
	struct stat st;
	size_t cap = cap_of(kind);
	ProjectStatus status = PROJECT_FAILED;
	Strbuf sb = STRBUF_INIT;
	if (fstat(fd, &st) != 0) {
		diag_error(p->d, blame, "cannot read '%s': %s", shown, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		diag_error(p->d, blame, "'%s' is %s, not a regular file; stagec reads project files only "
					"when they are plain files: replace it with the file itself", shown,
			   type_name(st.st_mode));
	} else if (kind != PROJECT_HEAD && (unsigned long long)st.st_size > cap) {
		diag_error(p->d, blame, "'%s' is %lld bytes, more than stagec reads from %s project file "
					"(%zu KiB); check that it is the right file, or make it smaller",
			   shown, (long long)st.st_size, kind_name(kind), cap / 1024);
	} else if (read_capped(fd, &sb, cap) < 0) {
		diag_error(p->d, blame, "cannot read '%s': %s", shown, strerror(errno));
	} else if (sb.len > cap && kind != PROJECT_HEAD) {
		diag_error(p->d, blame, "'%s' grew past %zu KiB while stagec read it; run stagec again "
					"when nothing writes to it", shown, cap / 1024);
	} else {
		size_t len = sb.len > cap ? cap : sb.len;
		char *text = arena_alloc(p->a, len + 1);
		if (len)
			memcpy(text, sb.buf, len);
		text[len] = '\0';
		SourceFile *f = arena_alloc(p->a, sizeof(*f));
		f->path = shown;
		f->text = text;
		f->len = len;
		*ret = f;
		status = PROJECT_OK;
	}
	strbuf_release(&sb);
	close(fd);
	return status;
}

static const char *strip_dot(const char *rel)
{
	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	return rel;
}

ProjectStatus project_read(Project *p, const char *rel, ProjectKind kind, SrcPos blame, const SourceFile **ret)
{
	*ret = NULL;
	rel = strip_dot(rel);
	ProjectEntry *e = project_entry(p, rel);
	if (e->status < 0)
		e->status = (int)read_file(p, rel, kind, blame, &e->file);
	/* each variant of the spec records the file in its own inputs; the
	 * name and hash are found once */
	if (e->status == PROJECT_OK && kind != PROJECT_HEAD && p->inputs) {
		if (!e->input_name) {
			e->input_name = arena_strdup(p->a, inputs_file_name(p->inputs, arena_printf(p->a, "%s/%s",
								   p->context_real, rel)));
			inputs_hash(e->file->text, e->file->len, e->input_hash);
		}
		inputs_add_hash(p->inputs, INPUT_FILE, e->input_name, e->input_hash);
	}
	*ret = e->file;
	return (ProjectStatus)e->status;
}

ProjectStatus project_toml(Project *p, const char *rel, SrcPos blame, const TomlValue **ret)
{
	*ret = NULL;
	const SourceFile *f;
	ProjectStatus st = project_read(p, rel, PROJECT_TOML, blame, &f);
	if (st != PROJECT_OK)
		return st;
	ProjectEntry *e = project_entry(p, rel);
	if (!e->toml_done) {
		e->toml_done = true;
		e->toml = toml_parse(p->a, f, p->d);
	}
	*ret = e->toml;
	return e->toml ? PROJECT_OK : PROJECT_FAILED;
}
