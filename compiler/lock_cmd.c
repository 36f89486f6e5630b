/*
 * lock_cmd.c - `stagec lock [ROOT|SPEC]`: the only command that talks to
 * a registry, through a resolver command, to write stagec.lock
 * (specs/lock.md).  Compiling stays offline: it only reads the lock.
 *
 * The lock is the nearest stagec.lock walking up from ROOT (or the spec's
 * folder) to the repository's root, else a new one in ROOT (or beside the
 * spec).  The images it needs are those the generated Dockerfiles name,
 * both variants, after the policy's rewrites, for every spec that shares
 * the lock: each spec below the lock's folder (found as `stagec all` finds
 * them) whose nearest lock it is, so --prune run in a subfolder keeps what
 * the rest of the tree needs.  Each is compiled, quietly, to learn them.
 * Actions:
 *   (none)      resolve the images the lock lacks, freeze the default
 *               version of each language not frozen yet
 *   --list      print what is locked, missing and unused
 *   --set       REF=DIGEST, or "REF DIGEST" lines on standard input
 *   --update    resolve again the references named, or every image and
 *               the template defaults
 *   --prune     drop what no spec uses
 *   --check     offline: every image locked, every generated Dockerfile
 *               beside a spec pinned to the locked digest, no entry older
 *               than the policy's lock.max_age (a compile under frozen)
 *   --outdated  resolve every entry and list those whose tag moved
 * The resolver is a shell command with {} for the reference (shell-quoted)
 * that prints the digest the tag points to: by default skopeo's digest of
 * the top-level manifest (the index, for a multi-platform image).  Writes
 * go through main.c's atomic writer.  Dates are today's, or
 * SOURCE_DATE_EPOCH's.  Exit: 0, 1 findings (spec errors, --check
 * failures, --outdated found moved tags), 2 usage, I/O, a bad lock file or
 * a failing resolver.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cli.h"
#include "lock.h"

#define shown cli_shown
#define DEFAULT_RESOLVER "skopeo inspect --format '{{.Digest}}' docker://{}"
#define MAX_SETS 64

static const char lock_head[] =
	"usage: stagec lock [options] [ROOT|SPEC]\n"
	"       stagec lock --update [ROOT|SPEC] [REF...]\n"
	"\n"
	"Pins base images by digest in stagec.lock: the nearest one walking up from ROOT\n"
	"(default '.') or SPEC to the repository's root, else a new one in ROOT (beside\n"
	"SPEC).  The images are those of every app.yaml below the lock's folder that uses\n"
	"it.  Without an action it resolves the images the lock lacks and freezes the\n"
	"default version of each language it has not frozen.  Compiling never talks to a\n"
	"registry; this command does, through the resolver.\n"
	"\n";
static const char lock_tail[] =
	"\n"
	"The resolver: --resolver, else $STAGEC_RESOLVER, else\n"
	"  " DEFAULT_RESOLVER "\n"
	"\n"
	"Exit status: 0 done, 1 a spec has errors, --check found a problem or --outdated a\n"
	"moved tag, 2 usage or I/O error, an invalid lock file or a failing resolver.\n";

typedef enum Action { ACT_ADD, ACT_LIST, ACT_SET, ACT_UPDATE, ACT_PRUNE, ACT_CHECK, ACT_OUTDATED } Action;

typedef struct LockCli {
	Action action;
	int nactions;
	const char *target;      /* ROOT or SPEC */
	char **refs;             /* --update REF... */
	size_t nrefs;
	const char *sets[MAX_SETS];
	size_t nsets;
	const char *resolver;
	const char *policy;
	bool no_policy;
} LockCli;

/* ---- shared with main.c and all.c ----------------------------------------------- */

bool cli_lock_mode(const char *s, StagecLockMode *ret)
{
	static const char *const names[] = {"pinned", "frozen", "off"};
	for (int i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*ret = (StagecLockMode)i;
			return true;
		}
	return false;
}

char *cli_lock_for(const char *spec_path, const char *dir)
{
	if (spec_path)
		return stagec_lock_find(spec_path);
	char at[PATH_MAX];
	snprintf(at, sizeof(at), "%s/app.yaml", dir); /* any name in the folder */
	return stagec_lock_find(at);
}

char **cli_locks_for(char *const *specs, size_t n, StagecLockMode mode, bool *bad)
{
	char **locks = calloc(n + 1, sizeof(char *));
	*bad = !locks;
	for (size_t i = 0; locks && i < n && mode != STAGEC_LOCK_OFF; i++) {
		locks[i] = stagec_lock_find(specs[i]);
		bool seen = false;
		for (size_t k = 0; k < i && !seen && locks[i]; k++)
			seen = locks[k] && strcmp(locks[k], locks[i]) == 0;
		if (!locks[i] || seen)
			continue;
		char *diags = NULL;
		if (!stagec_lock_check(locks[i], &diags)) {
			*bad = true;
			fputs(diags ? diags : "", stderr);
		}
		free(diags);
	}
	if (*bad)
		fputs("stagec: error: an invalid lock file stops the run; nothing was written\n", stderr);
	return locks;
}

/* ---- what the specs need ----------------------------------------------------------- */

typedef struct Need {
	Arena *a;
	StrList refs;       /* the images, each once, in first-use order */
	StrList languages;  /* the languages compiled, and their current default versions */
	StrList defaults;
	int errors;         /* specs that did not compile */
} Need;

static void need_add(Need *n, const char *ref)
{
	if (!strlist_contains(&n->refs, ref))
		strlist_push(n->a, &n->refs, arena_strdup(n->a, ref));
}

/* Compiles one spec, both variants, and adds what it needs.  mode and
 * lock as the compile should see them; quiet unless it fails. */
static int need_spec(Need *n, const LockCli *cli, const char *spec_path, const char *lock_path,
		     StagecLockMode mode)
{
	SpecText spec = {0};
	int status = cli_read_spec(spec_path, &spec);
	if (status)
		return status;
	char *policy = cli->no_policy ? NULL : stagec_policy_find(spec_path, cli->policy);
	StagecOptions o = {.no_policy = cli->no_policy, .policy_path = policy, .lock_path = lock_path,
			   .lock_mode = mode};
	for (int v = 0; v < 2 && status == 0; v++) {
		o.single_stage = v == 1;
		/* the rules only for --check: an image digests.required reports
		 * is what this command is here to lock */
		o.no_rules = v == 1 || cli->action != ACT_CHECK;
		StagecResult *r = stagec_compile_text(spec.name, spec.dir, spec.text, spec.len, &o);
		if (!r) {
			status = cli_error("%s", "out of memory");
			break;
		}
		status = stagec_result_status(r);
		if (status) {
			fputs(stagec_result_diagnostics(r), stderr);
			n->errors++;
		}
		size_t ni = 0;
		const StagecImage *im = stagec_result_images(r, &ni);
		for (size_t i = 0; i < ni; i++)
			if (!im[i].digest || im[i].locked) /* a digest the spec wrote needs no entry */
				need_add(n, im[i].ref);
		const char *def = NULL, *lang = stagec_result_language(r, &def);
		if (lang && def && !strlist_contains(&n->languages, lang)) {
			strlist_push(n->a, &n->languages, arena_strdup(n->a, lang));
			strlist_push(n->a, &n->defaults, arena_strdup(n->a, def));
		}
		stagec_result_free(r);
	}
	free(policy);
	free(spec.text);
	free(spec.dir);
	return status == 1 ? 0 : status; /* a spec with errors: reported, the others go on */
}

/* ---- the resolver -------------------------------------------------------------------- */

/* cmd with each {} replaced by ref in single quotes (or ref appended). */
static char *resolver_command(Arena *a, const char *cmd, const char *ref)
{
	Strbuf q = STRBUF_INIT, out = STRBUF_INIT;
	strbuf_addc(&q, '\'');
	for (const char *p = ref; *p; p++)
		strbuf_adds(&q, *p == '\'' ? "'\\''" : (char[]){*p, 0});
	strbuf_addc(&q, '\'');
	bool any = false;
	for (const char *p = cmd; *p; p++) {
		if (p[0] == '{' && p[1] == '}') {
			strbuf_adds(&out, strbuf_str(&q));
			p++;
			any = true;
		} else {
			strbuf_addc(&out, *p);
		}
	}
	if (!any)
		strbuf_addf(&out, " %s", strbuf_str(&q));
	char *r = arena_strdup(a, strbuf_str(&out));
	strbuf_release(&q);
	strbuf_release(&out);
	return r;
}

/* The digest the resolver prints for ref, or NULL after an error message. */
static const char *resolve(Arena *a, const char *cmd, const char *ref)
{
	const char *full = resolver_command(a, cmd, ref);
	fflush(stdout);
	FILE *p = popen(full, "r");
	if (!p) {
		cli_error("cannot run the resolver '%s': %s", shown(full), strerror(errno));
		return NULL;
	}
	char buf[512] = "";
	size_t len = fread(buf, 1, sizeof(buf) - 1, p);
	buf[len] = '\0';
	char rest[256];
	while (fread(rest, 1, sizeof(rest), p) > 0) /* let it finish */
		;
	int st = pclose(p);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		cli_error("the resolver failed for '%s' (%s %d): %s; check the reference and the registry, or "
			  "give another command with --resolver 'CMD {}'", shown(ref),
			  st != -1 && WIFEXITED(st) ? "exit status" : "status", st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : st,
			  shown(full));
		return NULL;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	const char *digest = buf + strspn(buf, " \t");
	const char *problem = lock_digest_problem(digest);
	if (problem) {
		cli_error("the resolver printed '%s' for '%s', not a digest (%s); it must print sha256:<64 hex> "
			  "on its first line: %s", shown(digest), shown(ref), problem, shown(full));
		return NULL;
	}
	return arena_strdup(a, digest);
}

/* ---- the Dockerfiles beside a spec ----------------------------------------------------- */

/* Each FROM line of the generated Dockerfiles beside spec_path against the
 * lock: a locked image must carry its locked digest.  Returns the
 * number of problems (printed). */
static int check_dockerfiles(Arena *a, const Lock *lock, const char *spec_path)
{
	static const char *const names[] = {"Dockerfile", "Dockerfile.single"};
	int problems = 0;
	char *copy = strdup(spec_path);
	const char *dir = copy ? dirname(copy) : ".";
	for (size_t f = 0; f < 2; f++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, names[f]);
		FILE *fp = fopen(path, "r");
		if (!fp)
			continue; /* not generated beside the spec: nothing to check */
		char line[4096];
		int ln = 0;
		bool ours = false;
		while (fgets(line, sizeof(line), fp)) {
			ln++;
			if (ln == 1)
				ours = strncmp(line, STAGEC_HEADER_MARK, strlen(STAGEC_HEADER_MARK)) == 0;
			if (!ours)
				break; /* a file stagec did not write is not its business */
			if (strncmp(line, "FROM ", 5) != 0)
				continue;
			line[strcspn(line, "\r\n")] = '\0';
			char *img = line + 5;
			while (strncmp(img, "--", 2) == 0) { /* --platform=$BUILDPLATFORM: flags come first */
				img += strcspn(img, " ");
				img += strspn(img, " ");
			}
			img[strcspn(img, " ")] = '\0';
			char *at = strchr(img, '@');
			const char *ref = at ? arena_strndup(a, img, (size_t)(at - img)) : img;
			const LockEntry *e = lock_find(lock, a, ref);
			if (!e)
				continue;
			if (!at) {
				fprintf(stderr, "%s:%d: error: FROM %s is a tag, and %s pins it to %s; run 'stagec all' "
						"(or stagec -o) to regenerate the file\n", shown(path), ln, ref,
					shown(lock->file ? lock->file->path : LOCK_FILE_NAME), e->digest);
				problems++;
			} else if (strcmp(at + 1, e->digest) != 0) {
				fprintf(stderr, "%s:%d: error: FROM %s uses %s, and %s has %s; run 'stagec all' (or "
						"stagec -o) to regenerate the file\n", shown(path), ln, ref, at + 1,
					shown(lock->file ? lock->file->path : LOCK_FILE_NAME), e->digest);
				problems++;
			}
		}
		fclose(fp);
	}
	free(copy);
	return problems;
}

/* Whether list holds a reference that normalises to norm. */
static bool lock_find_in(Arena *a, const StrList *list, const char *norm)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(image_normalise(a, list->v[i]), norm) == 0)
			return true;
	return false;
}

/* ---- the command ------------------------------------------------------------------------ */

static int set_action(LockCli *cli, Action a)
{
	if (cli->nactions && cli->action != a)
		return cli_usage_error(CLI_LOCK, "%s", "give one action at a time (--list, --set, --update, --prune, --check, --outdated)");
	cli->action = a;
	cli->nactions = 1;
	return -1;
}

static bool is_path(const char *s)
{
	struct stat st;
	return stat(s, &st) == 0;
}

static int parse(int argc, char **argv, LockCli *cli)
{
	struct option longopts[CLI_MAX_OPTIONS];
	char shorts[64];
	cli_getopt_table(CLI_LOCK, longopts, shorts);
	opterr = 0;
	optind = 1;
	int c, st = -1;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1 && st < 0) {
		switch (c) {
		case OPT_LIST: st = set_action(cli, ACT_LIST); break;
		case OPT_UPDATE: st = set_action(cli, ACT_UPDATE); break;
		case OPT_PRUNE: st = set_action(cli, ACT_PRUNE); break;
		case OPT_CHECK: st = set_action(cli, ACT_CHECK); break;
		case OPT_OUTDATED: st = set_action(cli, ACT_OUTDATED); break;
		case OPT_SET:
			st = set_action(cli, ACT_SET);
			if (st < 0 && cli->nsets == MAX_SETS)
				st = cli_usage_error(CLI_LOCK, "at most %d --set options; give more as lines on standard input (--set -)", MAX_SETS);
			else if (st < 0)
				cli->sets[cli->nsets++] = optarg;
			break;
		case OPT_RESOLVER: cli->resolver = optarg; break;
		case OPT_POLICY: cli->policy = optarg; break;
		case OPT_NO_POLICY: cli->no_policy = true; break;
		case OPT_LIST_OPTIONS: cli_list_options(stdout, CLI_LOCK); return 0;
		case OPT_HELP:
			fputs(lock_head, stdout);
			cli_print_options(stdout, CLI_LOCK);
			fputs(lock_tail, stdout);
			return 0;
		case ':': return cli_usage_error(CLI_LOCK, "option '%s' needs a value", argv[optind - 1]);
		default: return cli_unknown_option(CLI_LOCK, argv[optind - 1]);
		}
	}
	if (st >= 0)
		return st;
	if (cli->policy && cli->no_policy)
		return cli_usage_error(CLI_LOCK, "%s", "--policy and --no-policy contradict each other");
	int i = optind;
	cli->target = ".";
	if (i < argc && (cli->action != ACT_UPDATE || is_path(argv[i])))
		cli->target = argv[i++];
	if (i < argc && cli->action != ACT_UPDATE)
		return cli_usage_error(CLI_LOCK, "one ROOT or SPEC at a time; '%s' is one too many", shown(argv[i]));
	cli->refs = argv + i;
	cli->nrefs = (size_t)(argc - i);
	for (size_t k = 0; k < cli->nrefs; k++) {
		const char *problem = lock_ref_problem(cli->refs[k]);
		if (problem)
			return cli_usage_error(CLI_LOCK, "'%s' is not a reference --update can resolve: %s (the first "
					       "argument, when it exists, is the ROOT or SPEC)",
					 shown(cli->refs[k]), problem);
	}
	if (!cli->resolver) {
		const char *env = getenv("STAGEC_RESOLVER");
		cli->resolver = env && *env ? env : DEFAULT_RESOLVER;
	}
	return -1;
}

/* "REF=DIGEST" or "REF DIGEST" into the lock; false after a message. */
static bool set_one(Arena *a, Lock *lock, const char *text, char sep, const char *today, const char *where)
{
	const char *s = strchr(text, sep);
	if (!s) {
		cli_error("%s'%s' is not REF%cDIGEST (e.g. python:3.12-slim%csha256:<64 hex>)", where, shown(text),
			  sep, sep);
		return false;
	}
	const char *ref = arena_strndup(a, text, (size_t)(s - text));
	const char *digest = s + 1 + strspn(s + 1, " \t");
	const char *problem = lock_ref_problem(ref);
	if (!problem)
		problem = lock_digest_problem(digest);
	if (problem) {
		cli_error("%s'%s': %s", where, shown(text), problem);
		return false;
	}
	lock_set(lock, a, ref, digest, today);
	fprintf(stderr, "locked %s@%s\n", ref, digest);
	return true;
}

static bool read_sets(Arena *a, Lock *lock, const char *today)
{
	char line[1024];
	int ln = 0;
	bool ok = true;
	while (fgets(line, sizeof(line), stdin)) {
		ln++;
		line[strcspn(line, "\r\n")] = '\0';
		char *p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		size_t end = strlen(p);
		while (end && (p[end - 1] == ' ' || p[end - 1] == '\t'))
			p[--end] = '\0';
		char *sp = p + strcspn(p, " \t");
		if (*sp)
			*sp = ' ';
		ok = set_one(a, lock, p, ' ', today, arena_printf(a, "<stdin>:%d: ", ln)) && ok;
	}
	return ok;
}

static int write_lock(const Lock *lock, const char *path)
{
	Strbuf sb = STRBUF_INIT;
	lock_write(lock, &sb);
	char *c1 = strdup(path), *c2 = strdup(path);
	int st = c1 && c2 ? 0 : cli_error("%s", "out of memory");
	if (!st) {
		/* a lock that read without errors is stagec's own file to replace */
		CliFile f = {basename(c2), strbuf_str(&sb)};
		st = cli_write_files(dirname(c1), &f, 1, true);
	}
	if (!st)
		fprintf(stderr, "stagec lock: wrote %s\n", shown(path));
	free(c1);
	free(c2);
	strbuf_release(&sb);
	return st;
}

int stagec_lock_main(int argc, char **argv)
{
	LockCli cli = {0};
	int status = parse(argc, argv, &cli);
	if (status >= 0)
		return status;
	status = 0;
	struct stat st;
	if (stat(cli.target, &st) != 0)
		return cli_error("cannot read '%s': %s", shown(cli.target), strerror(errno));
	bool is_dir = S_ISDIR(st.st_mode);

	/* the lock, and the specs that share it: every spec below its folder
	 * whose nearest lock it is (so that --prune never drops an entry a
	 * spec elsewhere in its tree needs), or, for a new lock, the specs
	 * below ROOT or the one SPEC */
	char anchor[PATH_MAX];
	snprintf(anchor, sizeof(anchor), "%s%s", cli.target, is_dir ? "/app.yaml" : "");
	char *found = stagec_lock_find(anchor);
	char *lock_path = found;
	char **specs = NULL;
	size_t nspecs = 0;
	if (found) {
		char *copy = strdup(found);
		specs = copy ? cli_find_specs(dirname(copy), &nspecs) : NULL;
		free(copy);
	} else {
		char *copy = strdup(anchor);
		const char *dir = copy ? dirname(copy) : ".";
		size_t n = strlen(dir) + sizeof("/" LOCK_FILE_NAME);
		lock_path = malloc(n);
		if (lock_path)
			snprintf(lock_path, n, "%s/" LOCK_FILE_NAME, dir);
		free(copy);
		if (is_dir) {
			specs = cli_find_specs(cli.target, &nspecs);
		} else if ((specs = calloc(2, sizeof(char *)))) {
			specs[nspecs++] = strdup(cli.target);
		}
	}
	if (!lock_path || !specs) {
		status = cli_error("%s", "out of memory");
		free(specs);
		free(lock_path);
		return status;
	}
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 0, false);
	Lock *lock = found ? lock_load(a, found, NULL, &d) : lock_new(a);
	long day = 0;
	bool dated = policy_today(&d, &day);
	if (!lock || !dated) {
		Strbuf sb = STRBUF_INIT;
		diags_render(&d, &sb);
		fputs(strbuf_str(&sb), stderr);
		strbuf_release(&sb);
		status = 2;
		goto done;
	}
	const char *today = lock_date(a, day);

	/* what the specs need: compiled with this lock (--update: with none,
	 * so the template defaults are this stagec's) */
	Need need = {.a = a};
	bool needs = cli.action != ACT_SET && cli.action != ACT_OUTDATED && !(cli.action == ACT_UPDATE && cli.nrefs);
	StagecLockMode mode = cli.action == ACT_CHECK ? STAGEC_LOCK_FROZEN
			      : cli.action == ACT_UPDATE ? STAGEC_LOCK_OFF : STAGEC_LOCK_PINNED;
	int findings = 0;
	for (size_t i = 0; needs && i < nspecs && status == 0; i++) {
		char *own = stagec_lock_find(specs[i]);
		if (own && (!found || strcmp(own, found) != 0)) {
			if (!found || cli.action == ACT_LIST)
				fprintf(stderr, "stagec lock: %s has its own lock %s; left to it\n", shown(specs[i]),
					shown(own));
		} else {
			int errors = need.errors;
			status = need_spec(&need, &cli, specs[i], found, mode);
			findings += need.errors - errors;
			if (cli.action == ACT_CHECK)
				findings += check_dockerfiles(a, lock, specs[i]);
		}
		free(own);
	}
	if (status)
		goto done;

	bool changed = false;
	switch (cli.action) {
	case ACT_LIST:
		for (size_t i = 0; i < need.refs.n; i++) {
			const LockEntry *e = lock_find(lock, a, need.refs.v[i]);
			if (e)
				printf("%s %s %s\n", need.refs.v[i], e->digest, e->confirmed);
			else
				printf("%s missing\n", need.refs.v[i]);
		}
		for (size_t i = 0; i < lock->n; i++) {
			bool used = false;
			for (size_t k = 0; k < need.refs.n && !used; k++)
				used = lock_find(lock, a, need.refs.v[k]) == &lock->entries[i];
			if (!used)
				printf("%s unused\n", lock->entries[i].ref);
		}
		break;
	case ACT_SET: {
		bool ok = true;
		for (size_t i = 0; i < cli.nsets; i++)
			ok = (strcmp(cli.sets[i], "-") == 0 ? read_sets(a, lock, today)
							     : set_one(a, lock, cli.sets[i], '=', today, "--set ")) && ok;
		if (!ok) {
			status = 2;
			goto done;
		}
		changed = true;
		break;
	}
	case ACT_ADD:
	case ACT_UPDATE: {
		StrList todo = {0};
		if (cli.action == ACT_UPDATE && cli.nrefs) {
			for (size_t i = 0; i < cli.nrefs; i++)
				strlist_push(a, &todo, cli.refs[i]);
		} else {
			for (size_t i = 0; i < need.refs.n; i++)
				if (cli.action == ACT_UPDATE || !lock_find(lock, a, need.refs.v[i]))
					strlist_push(a, &todo, need.refs.v[i]);
			for (size_t i = 0; cli.action == ACT_UPDATE && i < lock->n; i++)
				if (!lock_find_in(a, &todo, lock->entries[i].norm))
					strlist_push(a, &todo, lock->entries[i].ref);
			for (size_t i = 0; i < need.languages.n; i++) {
				const char *have = lock_default_version(lock, need.languages.v[i]);
				if (cli.action == ACT_UPDATE ? !have || strcmp(have, need.defaults.v[i]) != 0 : !have) {
					lock_set_template(lock, a, need.languages.v[i], need.defaults.v[i]);
					changed = true;
				}
			}
		}
		for (size_t i = 0; i < todo.n; i++) {
			const char *digest = resolve(a, cli.resolver, todo.v[i]);
			if (!digest) {
				status = 2;
				goto done;
			}
			const LockEntry *e = lock_find(lock, a, todo.v[i]);
			fprintf(stderr, "%s %s@%s\n", !e ? "locked" : strcmp(e->digest, digest) ? "updated" : "confirmed",
				todo.v[i], digest);
			lock_set(lock, a, e ? e->ref : todo.v[i], digest, today);
			changed = true;
		}
		if (!found)
			changed = true; /* a new lock, even with nothing in it yet */
		break;
	}
	case ACT_PRUNE:
		for (size_t i = 0; i < lock->n; i++) {
			bool used = false;
			for (size_t k = 0; k < need.refs.n && !used; k++)
				used = lock_find(lock, a, need.refs.v[k]) == &lock->entries[i];
			if (!used) {
				lock->entries[i].drop = changed = true;
				fprintf(stderr, "dropped %s\n", lock->entries[i].ref);
			}
		}
		for (size_t i = 0; i < lock->ntemplates; i++)
			if (!strlist_contains(&need.languages, lock->templates[i].language)) {
				lock->templates[i].drop = changed = true;
				fprintf(stderr, "dropped the %s template default\n", lock->templates[i].language);
			}
		break;
	case ACT_CHECK:
		if (!found) {
			fprintf(stderr, "stagec: error: no %s from '%s' up to the repository's root; run 'stagec lock'\n",
				LOCK_FILE_NAME, shown(cli.target));
			findings++;
		}
		fprintf(stderr, "lock: %zu specs, %zu images, %d problems\n", nspecs, (size_t)need.refs.n, findings);
		break;
	case ACT_OUTDATED:
		for (size_t i = 0; i < lock->n; i++) {
			const LockEntry *e = &lock->entries[i];
			const char *digest = resolve(a, cli.resolver, e->ref);
			if (!digest) {
				status = 2;
				goto done;
			}
			if (strcmp(digest, e->digest) != 0) {
				printf("%s: locked %s (confirmed %s), the registry now has %s\n", e->ref, e->digest,
				       e->confirmed, digest);
				findings++;
			}
		}
		fprintf(stderr, "lock: %zu entries, %d moved%s\n", lock->n, findings,
			findings ? "; 'stagec lock --update' takes the new digests" : "");
		break;
	}
	if (changed && cli.action != ACT_CHECK && cli.action != ACT_LIST)
		status = write_lock(lock, lock_path);
	if (!status && (findings || need.errors))
		status = 1;
done:
	arena_free(a);
	for (size_t i = 0; i < nspecs; i++)
		free(specs[i]);
	free(specs);
	free(lock_path);
	return status;
}
