/*
 * main.c - the stagec command line.
 *
 *   stagec [options] app.yaml            multi-stage Dockerfile on stdout
 *   stagec --single-stage app.yaml       single-stage Dockerfile on stdout
 *   stagec --no-comments app.yaml        without the comment that says why each step is there
 *   stagec -o DIR app.yaml               both variants and their ignore files, in DIR
 *   stagec [options] -                   the spec from standard input (also /dev/stdin)
 *   stagec all [options] [ROOT]          every spec below ROOT (all.c); "./all" is a spec
 *   stagec init [options] [DIR]          DIR/app.yaml from the project's files (init.c)
 *
 * This is the only file that prints or chooses an exit status: 0 success,
 * 1 the spec has errors, 2 usage or I/O errors.  The spec is read once, here
 * (at most STAGEC_MAX_SPEC_BYTES), and both variants are compiled from the same
 * bytes.  With -o, everything is checked before anything is written: both
 * variants compiled, every target a regular file that stagec wrote (or
 * absent, or --force), DIR a folder (created when missing).  Then each file
 * is written to a temporary file in DIR, and the temporary files are renamed
 * over the targets; when a rename fails, the targets already replaced get
 * their old files back, so a run changes all files or none.  Temporary files
 * are named .stagec-PID-XXXXXX: SIGINT, SIGTERM and SIGHUP remove the run's
 * own, and a later run removes those whose process is gone.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "realpath.h"
#include "stagec.h"

#define shown cli_shown

static const char usage_head[] =
	"usage: stagec [options] SPEC\n"
	"       stagec all [options] [ROOT]   every app.yaml below ROOT ('stagec all --help')\n"
	"       stagec init [options] [DIR]   write DIR/app.yaml from the project's files\n"
	"       stagec lock [options] [ROOT|SPEC]   pin base images by digest ('stagec lock --help')\n"
	"       stagec explain [options] SPEC   every value with its source, every step with its reason\n"
	"       stagec schema [app|policy|lock|explain]   print a JSON Schema (specs/)\n"
	"\n"
	"Compiles a build spec (app.yaml) into a Dockerfile.  SPEC '-' (or /dev/stdin)\n"
	"reads the spec from standard input, with the current folder as its build context.\n"
	"The options --base, --templates, --Werror, --max-errors, --policy, --no-policy\n"
	"and --lock may also come before a command (stagec --no-policy all .).\n"
	"\n";
static const char usage_tail[] =
	"\n"
	"Exit status: 0 success, 1 the spec has errors or breaks a policy rule (or names an\n"
	"image the lock lacks, under --lock=frozen), 2 usage or I/O error (an invalid policy\n"
	"or lock file too).\n"
	"The spec format: specs/schema.md.\n";

typedef struct Cli {
	StagecOptions opts;
	const char *output_dir;
	const char *spec;
	const char *policy; /* --policy FILE */
	bool force;
} Cli;

static bool valid_pass_name(const char *name)
{
	for (const char *const *p = stagec_pass_names(); *p; p++)
		if (strcmp(*p, name) == 0)
			return true;
	return false;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, Cli *cli)
{
	struct option longopts[CLI_MAX_OPTIONS];
	char shorts[64];
	cli_getopt_table(CLI_SPEC, longopts, shorts);
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_OUTPUT:
			cli->output_dir = optarg;
			break;
		case OPT_SINGLE:
			cli->opts.single_stage = true;
			break;
		case OPT_NO_COMMENTS:
			cli->opts.no_comments = true;
			break;
		case OPT_BASE:
			cli->opts.base = optarg;
			break;
		case OPT_DUMP_IR:
			if (!optarg) {
				cli->opts.dump_ir = "";
			} else if (strncmp(optarg, "after:", 6) == 0 && valid_pass_name(optarg + 6)) {
				cli->opts.dump_ir = optarg + 6;
			} else {
				return cli_usage_error(CLI_SPEC, "--dump-ir takes 'after:PASS' with PASS a name that 'stagec --help' lists; "
						   "not '%s'", optarg);
			}
			break;
		case OPT_TEMPLATES:
			cli->opts.templates_dir = optarg;
			break;
		case OPT_WERROR:
			cli->opts.werror = true;
			break;
		case OPT_MAX_ERRORS: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 10000)
				return cli_usage_error(CLI_SPEC, "--max-errors takes a number from 1 to 10000, not '%s'", optarg);
			cli->opts.max_errors = (int)n;
			break;
		}
		case OPT_FORCE:
			cli->force = true;
			break;
		case OPT_POLICY:
			cli->policy = optarg;
			break;
		case OPT_NO_POLICY:
			cli->opts.no_policy = true;
			break;
		case OPT_LOCK:
			if (!cli_lock_mode(optarg, &cli->opts.lock_mode))
				return cli_usage_error(CLI_SPEC, "--lock takes pinned, frozen or off, not '%s'", shown(optarg));
			break;
		case OPT_HELP:
			fputs(usage_head, stdout);
			cli_print_options(stdout, CLI_SPEC);
			fputs(usage_tail, stdout);
			return 0;
		case OPT_LIST_OPTIONS:
			cli_list_all_options(stdout);
			return 0;
		case OPT_VERSION:
			puts("stagec " STAGEC_VERSION);
			return 0;
		case ':':
			return cli_usage_error(CLI_SPEC, "option '%s' needs a value", argv[optind - 1]);
		default:
			return cli_unknown_option(CLI_SPEC, argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(CLI_SPEC, "%s", "no spec given (e.g. 'stagec app.yaml')");
	if (optind + 1 < argc)
		return cli_usage_error(CLI_SPEC, "one spec at a time; '%s' is one too many", argv[optind + 1]);
	cli->spec = argv[optind];
	if (cli->output_dir && cli->opts.dump_ir)
		return cli_usage_error(CLI_SPEC, "%s", "--dump-ir prints to stdout; it does not go with -o");
	if (cli->output_dir && cli->opts.single_stage)
		return cli_usage_error(CLI_SPEC, "%s", "--single-stage prints one variant to stdout; -o writes both "
				   "(Dockerfile and Dockerfile.single), so it does not go with it");
	return -1;
}

static int write_stdout(const char *text)
{
	size_t n = strlen(text);
	if (fwrite(text, 1, n, stdout) != n || fflush(stdout) != 0) {
		fprintf(stderr, "stagec: error: cannot write the output: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}

/* ---- paths in messages ---------------------------------------------------
 * A path is the user's text, and a folder name can hold escape sequences:
 * control characters are shown escaped, as the library does in its
 * diagnostics. */

const char *cli_shown(const char *path)
{
	static _Thread_local char bufs[4][PATH_MAX * 4 + 8];
	static _Thread_local int next;
	char *out = bufs[next++ % 4];
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)path; *p && o + 5 < sizeof(bufs[0]); p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)sprintf(out + o, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = '\0';
	return out;
}

int cli_usage_error(CliCommand cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("stagec: error: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd == CLI_SPEC)
		fputs("\nTry 'stagec --help'.\n", stderr);
	else
		fprintf(stderr, "\nTry 'stagec %s --help'.\n", cli_command_name(cmd));
	return 2;
}

/* Where cli_error() writes on this thread: stderr unless a driver keeps a
 * task's messages to print them in order (stagec all's workers). */
static _Thread_local FILE *error_stream;

FILE *cli_error_stream(FILE *f)
{
	FILE *was = error_stream;
	error_stream = f;
	return was;
}

int cli_error(const char *fmt, ...)
{
	FILE *out = error_stream ? error_stream : stderr;
	va_list ap;
	va_start(ap, fmt);
	fputs("stagec: error: ", out);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
	va_end(ap);
	return 2;
}

/* ---- reading the spec once ------------------------------------------------ */

static bool is_stdin(const char *path)
{
	return strcmp(path, "-") == 0 || strcmp(path, "/dev/stdin") == 0;
}

/* Reads at most STAGEC_MAX_SPEC_BYTES; returns an exit status (0: read). */
int cli_read_spec(const char *path, SpecText *spec)
{
	int fd;
	if (is_stdin(path)) {
		spec->name = "<stdin>";
		fd = STDIN_FILENO;
	} else {
		spec->name = path;
		struct stat st;
		if (stat(path, &st) != 0)
			return cli_error("cannot read '%s': %s", shown(path), strerror(errno));
		if (S_ISDIR(st.st_mode))
			return cli_error("'%s' is a folder; give the path of the spec file (e.g. '%s/app.yaml')",
					shown(path), shown(path));
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return cli_error("cannot read '%s': %s", shown(path), strerror(errno));
	}
	size_t cap = 64 * 1024, len = 0;
	char *text = malloc(cap + 1);
	for (;;) {
		if (len == cap) {
			cap *= 2;
			char *bigger = realloc(text, cap + 1);
			if (!bigger)
				free(text);
			text = bigger;
		}
		if (!text)
			return cli_error("%s", "out of memory");
		ssize_t n = read(fd, text + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			if (fd != STDIN_FILENO)
				close(fd);
			free(text);
			return cli_error("cannot read '%s': %s", shown(spec->name), strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > STAGEC_MAX_SPEC_BYTES)
			break;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (len > STAGEC_MAX_SPEC_BYTES) {
		free(text);
		return cli_error("'%s' is larger than %d bytes; a spec is a short file", shown(spec->name),
				STAGEC_MAX_SPEC_BYTES);
	}
	text[len] = '\0';
	spec->text = text;
	spec->len = len;
	/* the build context: the spec's real folder */
	char *copy = strdup(is_stdin(path) ? "./-" : path);
	char *real = copy ? stagec_realpath(dirname(copy), NULL) : NULL;
	free(copy);
	if (!real) {
		free(text);
		return cli_error("cannot find the folder of '%s': %s", shown(spec->name), strerror(errno));
	}
	spec->dir = real;
	return 0;
}

/* ---- temporary files and signals ------------------------------------------
 * The paths of the run's temporary files (written, or backups of replaced
 * files) sit in a fixed table that the handler reads: unlink() is
 * async-signal-safe, and a slot is marked live only once its path is
 * complete, before its file exists.  Several threads may write at once
 * (stagec all): a slot is claimed with an atomic exchange.
 *
 * A signal that comes while a thread replaces a set of targets (the
 * renames of cli_write_files) waits until every such thread is done, so
 * that a set is all new or all old: the handler then only notes it and
 * the last thread to leave raises it again; a replacement that would
 * start after the signal does not (and fails).  The atomics are
 * lock-free, so the handler may use them. */

#define MAX_TEMPS 160 /* 8 a write (4 files and their backups) for each of 16 threads, and room */
#define TEMP_PREFIX CLI_TEMP_PREFIX

enum { SLOT_FREE, SLOT_LIVE, SLOT_CLAIMED };

static char temp_paths[MAX_TEMPS][PATH_MAX];
static atomic_int temp_used[MAX_TEMPS];
static atomic_int replacing;   /* threads between enter_replace and leave_replace */
static atomic_int signalled;   /* the signal that came, or 0 */

static void on_signal(int sig)
{
	atomic_store(&signalled, sig);
	if (atomic_load(&replacing) > 0)
		return; /* the last replacing thread raises it again */
	for (int i = 0; i < MAX_TEMPS; i++)
		if (atomic_load(&temp_used[i]) == SLOT_LIVE)
			unlink(temp_paths[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int caught_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void catch_signals(void)
{
	static atomic_bool caught; /* once a process: every write asks */
	if (atomic_exchange(&caught, true))
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(caught_signals) / sizeof(caught_signals[0]); i++)
		sigaction(caught_signals[i], &sa, NULL);
}

/* Before a thread replaces its targets: false when a signal came (then
 * nothing may be replaced). */
static bool enter_replace(void)
{
	atomic_fetch_add(&replacing, 1);
	if (atomic_load(&signalled) == 0)
		return true;
	atomic_fetch_sub(&replacing, 1);
	return false;
}

static void leave_replace(void)
{
	if (atomic_fetch_sub(&replacing, 1) == 1 && atomic_load(&signalled))
		kill(getpid(), atomic_load(&signalled));
}

/* Reserves a slot and makes a fresh, empty temporary file in dir; returns
 * the slot, or -1 with errno set. */
static int temp_create(const char *dir, int *fd)
{
	int slot = -1;
	for (int i = 0; i < MAX_TEMPS && slot < 0; i++) {
		int expect = SLOT_FREE;
		if (atomic_compare_exchange_strong(&temp_used[i], &expect, SLOT_CLAIMED))
			slot = i;
	}
	if (slot < 0) {
		errno = EMFILE;
		return -1;
	}
	static atomic_long pid; /* stagec never forks */
	if (!atomic_load(&pid))
		atomic_store(&pid, (long)getpid());
	int n = snprintf(temp_paths[slot], PATH_MAX, "%s/" TEMP_PREFIX "%ld-XXXXXX", dir, atomic_load(&pid));
	if (n < 0 || n >= PATH_MAX) {
		atomic_store(&temp_used[slot], SLOT_FREE);
		errno = ENAMETOOLONG;
		return -1;
	}
	/* made while a signal waits, as a replacement is: the handler must
	 * not clean up between the slot going live and the file appearing
	 * (another thread may be making it) */
	if (!enter_replace()) {
		atomic_store(&temp_used[slot], SLOT_FREE);
		errno = EINTR;
		return -1;
	}
	atomic_store(&temp_used[slot], SLOT_LIVE); /* before the file exists: the handler may unlink a name not made yet */
	*fd = mkostemp(temp_paths[slot], O_CLOEXEC);
	int e = errno;
	if (*fd < 0)
		atomic_store(&temp_used[slot], SLOT_FREE);
	leave_replace();
	errno = e;
	return *fd < 0 ? -1 : slot;
}

/* The file no longer needs removing (it was renamed into place).  The
 * slot goes back to the table, and *slot becomes -1: another thread may
 * claim it at once. */
static void temp_forget(int *slot)
{
	if (*slot >= 0)
		atomic_store(&temp_used[*slot], SLOT_FREE);
	*slot = -1;
}

static void temp_remove(int *slot)
{
	if (*slot >= 0 && atomic_load(&temp_used[*slot]) == SLOT_LIVE)
		unlink(temp_paths[*slot]);
	temp_forget(slot);
}

/* Removes .stagec-PID-* files in dir whose process is gone (killed before
 * it could clean up).  Files of a live process, and names in any other
 * form, stay. */
void cli_remove_stale_temps(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)) != 0)
			continue;
		const char *p = e->d_name + strlen(TEMP_PREFIX);
		char *end;
		errno = 0;
		long pid = strtol(p, &end, 10);
		if (errno || end == p || *end != '-' || strlen(end + 1) != 6 || pid <= 0)
			continue;
		if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char path[PATH_MAX];
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path)) {
			struct stat st;
			if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
				unlink(path);
		}
	}
	closedir(d);
}

/* ---- writing the outputs -------------------------------------------------- */

typedef struct OutFile {
	const char *name;
	const char *text;
	char path[PATH_MAX];
	bool existed;
	int tmp;    /* the slot of the new text, written */
	int backup; /* the slot of a link to the old file, while replacing */
	bool done;  /* renamed into place */
} OutFile;

/* A target stagec may replace: absent, or a regular file whose first line
 * is stagec's.  Opened without blocking (a FIFO would wait for a writer)
 * and checked by type before anything is read. */
static int check_target(OutFile *o, bool force)
{
	struct stat st;
	if (lstat(o->path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return cli_error("cannot check '%s': %s", shown(o->path), strerror(errno));
	}
	o->existed = true;
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return cli_error("'%s' is %s, not a file stagec wrote; move it away", shown(o->path),
				S_ISDIR(st.st_mode) ? "a folder" : S_ISFIFO(st.st_mode) ? "a FIFO" : "not a regular file");
	int fd = open(o->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	bool regular = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	if (fd >= 0 && !regular) {
		close(fd);
		return cli_error("'%s' leads to something that is not a regular file; move it away",
				shown(o->path));
	}
	if (force) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	char line[sizeof(STAGEC_HEADER_MARK)] = {0};
	ssize_t n = fd >= 0 ? read(fd, line, sizeof(line) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n == (ssize_t)sizeof(line) - 1 && strcmp(line, STAGEC_HEADER_MARK) == 0)
		return 0;
	return cli_error("refusing to overwrite '%s', which stagec did not generate; move it away or use --force",
			shown(o->path));
}

static bool write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		text += n;
		len -= (size_t)n;
	}
	return true;
}

/* ---- durability: each file, or one sync at the end ------------------------
 * By default each file is fsync'ed before it is renamed into place.  A run
 * that writes thousands of files (stagec all) defers that instead: the
 * file systems written to are remembered (a folder of each) and synced
 * once, by cli_sync(), after the last rename. */

#define MAX_SYNC_FS 16

static bool sync_deferred;
static int sync_fds[MAX_SYNC_FS];
static dev_t sync_devs[MAX_SYNC_FS];
static int sync_n;
static bool sync_overflow; /* more file systems than slots: sync them all */

void cli_defer_sync(bool on)
{
	sync_deferred = on;
}

static pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER; /* writers on several threads */

static void remember_fs(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		return;
	pthread_mutex_lock(&sync_lock);
	bool known = false;
	for (int i = 0; i < sync_n && !known; i++)
		known = sync_devs[i] == st.st_dev;
	int fd = !known && sync_n < MAX_SYNC_FS ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (!known && fd < 0)
		sync_overflow = true;
	else if (!known) {
		sync_devs[sync_n] = st.st_dev;
		sync_fds[sync_n++] = fd;
	}
	pthread_mutex_unlock(&sync_lock);
}

int cli_sync(void)
{
	int status = 0;
	for (int i = 0; i < sync_n; i++) {
		if (syncfs(sync_fds[i]) != 0 && status == 0)
			status = cli_error("cannot sync the files written: %s", strerror(errno));
		close(sync_fds[i]);
	}
	sync_n = 0;
	if (sync_overflow)
		sync();
	sync_overflow = false;
	return status;
}

static int write_temp(OutFile *o, const char *dir)
{
	int fd;
	o->tmp = temp_create(dir, &fd);
	if (o->tmp < 0)
		return -1;
	bool ok = write_all(fd, o->text, strlen(o->text));
	ok = fchmod(fd, 0644) == 0 && ok;
	if (sync_deferred)
		remember_fs(dir);
	else
		ok = fsync(fd) == 0 && ok;
	ok = close(fd) == 0 && ok;
	return ok ? 0 : -1;
}

/* Keeps the old file under a temporary name (a second link to it, so the
 * target never goes missing) until all targets are replaced. */
static int keep_backup(OutFile *o, const char *dir)
{
	int fd;
	o->backup = temp_create(dir, &fd);
	if (o->backup < 0)
		return -1;
	close(fd);
	unlink(temp_paths[o->backup]);
	if (link(o->path, temp_paths[o->backup]) == 0)
		return 0;
	/* a file system without hard links: move the old file aside */
	return rename(o->path, temp_paths[o->backup]);
}

/* Puts back the old file of every target already replaced (or moved
 * aside), and removes the targets that did not exist before. */
static void roll_back(OutFile *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		OutFile *o = &files[i];
		bool kept = o->backup >= 0 && atomic_load(&temp_used[o->backup]) == SLOT_LIVE;
		if (kept && (o->done || access(o->path, F_OK) != 0)) {
			if (rename(temp_paths[o->backup], o->path) == 0)
				temp_forget(&o->backup);
		} else if (o->done && !o->existed) {
			unlink(o->path);
		}
	}
}

/* Creates dir and its missing parents. */
static int make_dirs(const char *dir)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = c;
		if (!c)
			break;
	}
	struct stat st;
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

static bool same_folder(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* What -o keeps of a compilation: its texts, so that one compilation is
 * freed before the next one runs. */
typedef struct Variant {
	char *output, *ignore;
	bool context; /* the spec's context: is above its folder */
} Variant;

/* The -o folder: both variants and their ignore files. */
static int write_outputs(const Cli *cli, const SpecText *spec, const Variant *multi, const Variant *single)
{
	const char *dir = cli->output_dir;
	struct stat st;
	bool exists = stat(dir, &st) == 0;
	/* Docker reads .dockerignore only at the root of the build context,
	 * and <dockerfile>.dockerignore beside the Dockerfile; with context:
	 * above the spec, its folder is not the context's root */
	bool beside_spec = exists && S_ISDIR(st.st_mode) && same_folder(dir, spec->dir) && !multi->context;
	CliFile files[] = {
		{.name = "Dockerfile", .text = multi->output},
		{.name = "Dockerfile.single", .text = single->output},
		{.name = beside_spec ? ".dockerignore" : "Dockerfile.dockerignore", .text = multi->ignore},
		{.name = "Dockerfile.single.dockerignore", .text = single->ignore},
	};
	return cli_write_files(dir, files, beside_spec ? 3 : 4, cli->force);
}

int cli_write_files(const char *dir, const CliFile *given, size_t n, bool force)
{
	return cli_write_files_in(dir, given, n, force, true);
}

int cli_write_files_in(const char *dir, const CliFile *given, size_t n, bool force, bool scan_temps)
{
	struct stat st;
	bool exists = stat(dir, &st) == 0;
	if (exists && !S_ISDIR(st.st_mode))
		return cli_error("'%s' is not a folder; give -o a folder (it is created when missing)", shown(dir));
	if (!exists && errno != ENOENT)
		return cli_error("cannot use '%s' as the output folder: %s", shown(dir), strerror(errno));
	OutFile files[4];
	if (n > sizeof(files) / sizeof(files[0]))
		return cli_error("%s", "too many files at once (an internal error)");
	memset(files, 0, sizeof(files));
	for (size_t i = 0; i < n; i++) {
		files[i].name = given[i].name;
		files[i].text = given[i].text;
		files[i].tmp = files[i].backup = -1;
		if (!*files[i].text)
			return cli_error("nothing to write into '%s' (an internal error)", files[i].name);
		if (snprintf(files[i].path, PATH_MAX, "%s/%s", dir, files[i].name) >= PATH_MAX)
			return cli_error("the path '%s/%s' is too long", shown(dir), files[i].name);
		int status = exists ? check_target(&files[i], force) : 0;
		if (status)
			return status;
	}
	if (!exists && make_dirs(dir) != 0)
		return cli_error("cannot create the output folder '%s': %s", shown(dir), strerror(errno));

	catch_signals();
	if (scan_temps)
		cli_remove_stale_temps(dir);
	int status = 0;
	for (size_t i = 0; i < n && !status; i++)
		if (write_temp(&files[i], dir) != 0)
			status = cli_error("cannot write in '%s': %s", shown(dir), strerror(errno));
	bool replacing_now = !status && enter_replace();
	if (!status && !replacing_now)
		status = cli_error("interrupted before '%s' was written", shown(dir));
	for (size_t i = 0; i < n && !status; i++) {
		if (files[i].existed && keep_backup(&files[i], dir) != 0)
			status = cli_error("cannot keep the old '%s' while replacing it: %s", shown(files[i].path),
					  strerror(errno));
		else if (rename(temp_paths[files[i].tmp], files[i].path) != 0)
			status = cli_error("cannot replace '%s': %s", shown(files[i].path), strerror(errno));
		else
			files[i].done = true;
		if (files[i].done)
			temp_forget(&files[i].tmp);
	}
	if (status)
		roll_back(files, n);
	for (size_t i = 0; i < n; i++) {
		temp_remove(&files[i].tmp);
		temp_remove(&files[i].backup);
	}
	if (replacing_now)
		leave_replace();
	return status;
}

/* Copies a variant's texts out before its compilation is freed. */
static int keep_variant(const StagecResult *r, bool context, Variant *keep)
{
	keep->output = strdup(stagec_result_output(r));
	keep->ignore = strdup(stagec_result_dockerignore(r));
	keep->context = context;
	return keep->output && keep->ignore ? 0 : cli_error("%s", "out of memory");
}

/* Compiles the spec and prints its diagnostics; with both (-o), both
 * variants from one compilation (the single-stage one's diagnostics only
 * when it fails: its warnings repeat the first's), kept in multi and
 * single; else the Dockerfile printed.  Returns the exit status. */
int cli_compile(const SpecText *spec, const StagecOptions *o, FILE *err, StagecResult **ret)
{
	StagecResult *r = *ret = stagec_compile_text(spec->name, spec->dir, spec->text, spec->len, o);
	if (!r) {
		fputs("stagec: error: out of memory\n", err);
		return 2;
	}
	fputs(stagec_result_diagnostics(r), err);
	int status = stagec_result_status(r);
	if (status || !o->both_variants)
		return status;
	const StagecResult *s = stagec_result_single(r);
	if (!s) {
		fputs("stagec: error: out of memory\n", err);
		return 2;
	}
	if ((status = stagec_result_status(s)) != 0)
		fputs(stagec_result_diagnostics(s), err);
	return status;
}

static int compile_spec(const SpecText *spec, StagecOptions *o, Variant *multi, Variant *single)
{
	o->both_variants = multi != NULL;
	StagecResult *r;
	int status = cli_compile(spec, o, stderr, &r);
	const StagecResult *s = status == 0 && multi ? stagec_result_single(r) : NULL;
	if (status == 0 && multi) {
		bool context = stagec_result_context(r) != NULL;
		status = keep_variant(r, context, multi);
		if (status == 0)
			status = keep_variant(s, context, single);
	} else if (status == 0) {
		status = write_stdout(stagec_result_output(r));
	}
	stagec_result_free(r);
	return status;
}

int main(int argc, char **argv)
{
	/* a command: its name first, or after global options, which it then
	 * takes as its own ("./all" is a spec) */
	if (argc > 1 && cli_hoist_globals(argc, argv)) {
		CliCommand cmd = cli_command_named(argv[1]);
		if (cmd == CLI_ALL)
			return stagec_all_main(argc - 1, argv + 1);
		if (cmd == CLI_INIT)
			return stagec_init_main(argc - 1, argv + 1);
		if (cmd == CLI_LOCK)
			return stagec_lock_main(argc - 1, argv + 1);
		if (cmd == CLI_EXPLAIN)
			return stagec_explain_main(argc - 1, argv + 1);
		return stagec_schema_main(argc - 1, argv + 1);
	}
	Cli cli = {0};
	int status = parse_args(argc, argv, &cli);
	if (status >= 0)
		return status;
	SpecText spec = {0};
	status = cli_read_spec(cli.spec, &spec);
	if (status)
		return status;
	StagecOptions o = cli.opts;
	/* the policy: found the same way for every command (shared/design/cli.md) */
	char *policy = NULL;
	if (!o.no_policy) {
		size_t n = strlen(spec.dir) + sizeof("/app.yaml");
		char *at = malloc(n);
		if (!at)
			return cli_error("%s", "out of memory");
		snprintf(at, n, "%s/app.yaml", spec.dir); /* any name in the spec's folder */
		policy = stagec_policy_find(is_stdin(cli.spec) ? at : cli.spec, cli.policy);
		free(at);
		o.policy_path = policy;
	}
	/* the lock: the nearest stagec.lock, the same walk */
	char *lock = NULL;
	if (o.lock_mode != STAGEC_LOCK_OFF) {
		lock = cli_lock_for(is_stdin(cli.spec) ? NULL : cli.spec, spec.dir);
		o.lock_path = lock;
	}
	if (!cli.output_dir) {
		status = compile_spec(&spec, &o, NULL, NULL);
	} else {
		/* both variants from one reading of the spec */
		Variant multi = {0}, single = {0};
		o.single_stage = false;
		status = compile_spec(&spec, &o, &multi, &single);
		if (status == 0)
			status = write_outputs(&cli, &spec, &multi, &single);
		free(multi.output);
		free(multi.ignore);
		free(single.output);
		free(single.ignore);
	}
	free(policy);
	free(lock);
	free(spec.text);
	free(spec.dir);
	return status;
}
