/*
 * all.c - `stagec all [ROOT]`: every app.yaml below ROOT, compiled with its
 * policy, its Dockerfile, Dockerfile.single and .dockerignore written beside
 * it (shared/design/cli.md, policy-and-monorepo.md "Monorepo command").
 *
 * A thin driver over library calls, in three steps.  Discovery: the specs
 * in byte order of their paths, folders of project_skipped_dirs[], symlinks and the
 * globs of ROOT/.stagecignore left out.  Policies: each distinct policy
 * file checked once, before anything is compiled or written (a bad one:
 * exit 2).  Then each spec on its own: both variants compiled, and either
 * written with main.c's atomic writer (cli_write_files), or, with --check,
 * compared with what is on disk.  Line 2 of every file is the library's
 * drift line (inputs.c: the inputs that shaped it, with their hashes, and
 * the hash of the file's own content), the same as `stagec SPEC` and -o
 * write, so a hand run's files are fresh here.  --check names each file
 * fresh, stale (and which inputs changed), edited (its content no longer
 * matches out=), missing, or orphan (a generated file whose spec is gone;
 * a folder holding a generated Dockerfile.dockerignore is -o output for a
 * spec elsewhere, never an orphan).
 * A run refuses (without --force) to overwrite a file stagec did not
 * generate, or one whose content no longer matches its out= hash (edited
 * by hand).  Exit status: 2 usage, I/O or a bad policy; else 1 a spec with errors or
 * error findings; else 3 drift (--check); else 0.
 * With -o DIR the spec in ROOT/F writes DIR/F/ instead (four files: both
 * <dockerfile>.dockerignore), and orphans are DIR's; a spec whose context:
 * is above its folder gets those four names beside it too.
 * --changed-files keeps the specs a list of paths touches (changed.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "all.h"
#include "bake.h"
#include "changed.h"
#include "cli.h"
#include "internal.h"
#include "project/project.h"
#include "report/report.h"
#include "stagec.h"
#include "xmllib.h"

static const char all_head[] =
	"usage: stagec all [options] [ROOT]\n"
	"\n"
	"Compiles every app.yaml below ROOT (default '.'), in sorted order, and writes\n"
	"Dockerfile, Dockerfile.single and .dockerignore beside each spec.  Folders named\n"
	".git, node_modules, vendor, target or build, symbolic links, and the globs of\n"
	"ROOT/.stagecignore are skipped.  Line 2 of each file records what shaped it.\n"
	"\n";
static const char all_tail[] =
	"\n"
	"Exit status: 0 all clean, 1 a spec has errors or breaks a policy rule, 3 drift\n"
	"only (--check), 2 usage or I/O error, or an invalid policy (nothing written).\n";

/* ---- the run --------------------------------------------------------------------- */

typedef struct Run {
	const AllCli *cli;
	Report *report;
	Arena *arena;
	Bake *bake; /* docker-bake.json: a target per spec that compiled */
	int written, unchanged, errors, drift;
	bool io_failed;
} Run;

static const char *rel_path(const Run *run, const char *path)
{
	return all_rel_path(run->cli, path);
}

/* The rendered diagnostics into the report: "file:line:col: level: message". */
static void report_rendered(Run *run, ReportSpec *s, const char *diags)
{
	for (const char *p = diags; *p;) {
		size_t len = strcspn(p, "\n");
		char *line = arena_strndup(run->arena, p, len);
		p += len + (p[len] == '\n');
		char *file = line, *c1 = strchr(line, ':');
		if (!c1)
			continue;
		char *end;
		long ln = strtol(c1 + 1, &end, 10);
		if (end == c1 + 1 || *end != ':')
			continue;
		long col = strtol(end + 1, &end, 10);
		if (*end != ':' || end[1] != ' ')
			continue;
		const char *rest = end + 2;
		ReportLevel level;
		if (strncmp(rest, "error: ", 7) == 0)
			level = REPORT_ERROR, rest += 7;
		else if (strncmp(rest, "warning: ", 9) == 0)
			level = REPORT_WARNING, rest += 9;
		else
			continue;
		if (report_rule_tagged(rest))
			continue;
		*c1 = '\0';
		report_diag(run->report, s, level, (ReportPos){rel_path(run, file), (int)ln, (int)col}, rest);
	}
}

/* A file that drifted, found by the run itself (an orphan, the bake file). */
static void drift(Run *run, ReportSpec *s, const char *path, ReportDriftState state, const char *input)
{
	run->drift++;
	all_print_drift(stdout, rel_path(run, path), state, input);
	if (s)
		report_drift(run->report, s, rel_path(run, path), state, input);
}

/* Takes up a spec's job, in path order: its report, its bake target, its
 * counts and what it printed. */
static void take(Run *run, SpecJob *job)
{
	ReportSpec *s = report_spec(run->report, rel_path(run, job->path));
	StagecResult *r = job->result;
	if (job->unreadable)
		report_diag(run->report, s, REPORT_ERROR, (ReportPos){rel_path(run, job->path), 0, 0},
			    "cannot read the spec");
	if (r) {
		report_rendered(run, s, stagec_result_diagnostics(r));
		size_t nrules = 0;
		const StagecRuleResult *rules = stagec_result_rules(r, &nrules);
		report_rule_results(run->report, s, rules, nrules);
		const StagecResult *single = stagec_result_single(r);
		if (single && stagec_result_status(single))
			report_rendered(run, s, stagec_result_diagnostics(single));
	}
	if (job->status)
		run->errors += !job->unreadable;
	else
		bake_add(run->bake, rel_path(run, job->path), job->path, job->dir, r);
	for (size_t i = 0; i < job->ndrifts; i++) {
		run->drift++;
		report_drift(run->report, s, job->drifts[i].path, job->drifts[i].state, job->drifts[i].input);
	}
	run->written += job->written;
	run->unchanged += job->unchanged;
	run->io_failed |= job->io_failed;
	all_spec_release(job);
	stagec_result_free(r);
	job->result = NULL;
}

/* ---- the specs, on worker threads ------------------------------------------------- */

/* How far the workers may run ahead of the spec taken up next: what a
 * finished spec keeps waits in one of these slots, so memory stays flat. */
#define WINDOW 64
#define MAX_JOBS 16

typedef struct Pool {
	const AllCli *cli;
	char **paths, **policies, **locks;
	size_t n;
	SpecJob ring[WINDOW];
	bool done[WINDOW];
	size_t next;  /* the next spec a worker starts */
	size_t taken; /* the specs taken up */
	int idle;     /* workers waiting for room */
	bool waiting; /* the taker waits for a spec */
	pthread_mutex_t mu;
	pthread_cond_t job_done, room;
} Pool;

/* With the lock held: starts the next spec when there is one and room
 * for it (the lock released while it runs); false when there is nothing
 * to start now.  Both the workers and the taking thread run specs so. */
static bool run_next(Pool *p, StagecCache *cache)
{
	if (p->next >= p->n || p->next >= p->taken + WINDOW)
		return false;
	size_t i = p->next++;
	pthread_mutex_unlock(&p->mu);
	SpecJob *job = &p->ring[i % WINDOW];
	*job = (SpecJob){.path = p->paths[i], .policy = p->policies[i], .lock = p->locks[i]};
	all_spec_run(p->cli, cache, job);
	pthread_mutex_lock(&p->mu);
	p->done[i % WINDOW] = true;
	if (p->waiting) /* a wake-up costs two context switches: only when needed */
		pthread_cond_signal(&p->job_done);
	return true;
}

/* A worker thread and its cache: templates and policies, read once per
 * thread.  A result may point into its cache (a policy's labels), so the
 * caches live until every spec is taken up. */
typedef struct Worker {
	Pool *pool;
	StagecCache *cache;
	pthread_t thread;
} Worker;

static void *worker(void *arg)
{
	Pool *p = ((Worker *)arg)->pool;
	StagecCache *cache = ((Worker *)arg)->cache;
	pthread_mutex_lock(&p->mu);
	while (p->next < p->n) {
		if (run_next(p, cache))
			continue;
		p->idle++; /* no room: the taker is behind */
		pthread_cond_wait(&p->room, &p->mu);
		p->idle--;
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The worker threads: -j, or one per core. */
static int jobs_for(const AllCli *cli, size_t nspecs)
{
	long n = cli->jobs ? cli->jobs : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > MAX_JOBS)
		n = MAX_JOBS;
	if ((size_t)n > nspecs)
		n = nspecs ? (long)nspecs : 1;
	return (int)n;
}

/* Compiles every spec and takes each up, in path order, here: the output
 * is the same whatever the number of threads.  This thread works too,
 * whenever the spec it takes up next is not done yet, and sleeps only
 * when there is nothing to start (-j 1: no other thread at all).
 * Returns 0, or -1 when memory runs out (errno set). */
static int run_specs(Run *run, char **paths, char **policies, char **locks, size_t n)
{
	Pool *p = calloc(1, sizeof(*p));
	StagecCache *own = stagec_cache_new();
	if (!p || !own) {
		free(p);
		stagec_cache_free(own);
		return -1;
	}
	*p = (Pool){.cli = run->cli, .paths = paths, .policies = policies, .locks = locks, .n = n};
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->job_done, NULL);
	pthread_cond_init(&p->room, NULL);
	Worker workers[MAX_JOBS];
	int nthreads = 0, want = jobs_for(run->cli, n) - 1;
	while (nthreads < want) { /* fewer threads than asked still work */
		Worker *w = &workers[nthreads];
		*w = (Worker){p, stagec_cache_new(), 0};
		if (!w->cache || pthread_create(&w->thread, NULL, worker, w) != 0) {
			stagec_cache_free(w->cache);
			break;
		}
		nthreads++;
	}
	for (size_t i = 0; i < n; i++) {
		pthread_mutex_lock(&p->mu);
		while (!p->done[i % WINDOW]) {
			if (run_next(p, own))
				continue;
			p->waiting = true;
			pthread_cond_wait(&p->job_done, &p->mu);
			p->waiting = false;
		}
		p->done[i % WINDOW] = false;
		pthread_mutex_unlock(&p->mu);
		take(run, &p->ring[i % WINDOW]);
		pthread_mutex_lock(&p->mu);
		p->taken++;
		if (p->idle)
			pthread_cond_broadcast(&p->room);
		pthread_mutex_unlock(&p->mu);
	}
	for (int t = 0; t < nthreads; t++) {
		pthread_join(workers[t].thread, NULL);
		stagec_cache_free(workers[t].cache);
	}
	stagec_cache_free(own);
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->job_done);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return 0;
}

/* A folder below -o DIR as the spec folder it mirrors, relative to ROOT ("." for DIR). */
static const char *mirrored_rel(const Run *run, const char *dir)
{
	size_t n = strlen(run->cli->output);
	if (strncmp(dir, run->cli->output, n) == 0 && dir[n] == '/')
		return dir + n + 1;
	return ".";
}

/* Under -o, the orphans are the generated files of DIR whose spec folder
 * has no spec (not those of ROOT, which this run does not write). */
static void mirror_orphans(Run *run, const PathList *specs, PathList *orphans)
{
	for (size_t i = 0; i < orphans->n; i++)
		free(orphans->v[i]);
	orphans->n = 0;
	PathList dirs = {0};
	for (size_t i = 0; i < specs->n; i++) {
		char *copy = strdup(specs->v[i]);
		const char *dir = dirname(copy);
		const char *rel = strcmp(dir, run->cli->root) == 0 ? "." : rel_path(run, dir);
		paths_push(&dirs, strdup(strcmp(rel, ".") == 0 ? "" : rel));
		free(copy);
	}
	if (dirs.n)
		qsort(dirs.v, dirs.n, sizeof(*dirs.v), all_cmp_str);
	all_walk_mirror(run->cli->output, "", &dirs, orphans);
	if (orphans->n)
		qsort(orphans->v, orphans->n, sizeof(*orphans->v), all_cmp_str);
	paths_free(&dirs);
}

/* Keeps the specs (with their policies and locks) and the orphans the changed paths
 * touch; an orphan's spec folder is the one it lies in.  Returns 0, or 2
 * when the list cannot be read. */
static int select_changed(Run *run, PathList *specs, char **policies, char **locks, PathList *orphans)
{
	const AllCli *cli = run->cli;
	Changed *c = changed_read(cli->changed);
	if (!c)
		return 2;
	size_t kept = 0;
	for (size_t i = 0; i < specs->n; i++) {
		const char *mirror = NULL;
		if (cli->output) {
			const char *const *names;
			int n;
			char *d = all_out_dir(cli, specs->v[i], &names, &n);
			mirror = d ? arena_strdup(run->arena, d) : NULL;
			free(d);
		}
		if (changed_touches(c, specs->v[i], policies[i], locks[i], mirror)) {
			specs->v[kept] = specs->v[i];
			locks[kept] = locks[i];
			policies[kept++] = policies[i];
		} else {
			free(specs->v[i]);
			free(policies[i]);
			free(locks[i]);
			policies[i] = locks[i] = NULL;
		}
	}
	for (size_t i = kept; i < specs->n; i++)
		policies[i] = locks[i] = NULL;
	specs->n = kept;
	kept = 0;
	for (size_t i = 0; i < orphans->n; i++) {
		char *copy = strdup(orphans->v[i]);
		const char *dir = copy ? dirname(copy) : ".";
		char spec[PATH_MAX];
		if (cli->output) /* DIR/F/...: its spec was ROOT/F/app.yaml */
			snprintf(spec, sizeof(spec), "%s/%s/app.yaml", cli->root, mirrored_rel(run, dir));
		else
			snprintf(spec, sizeof(spec), "%s/app.yaml", dir);
		if (changed_touches(c, spec, NULL, NULL, cli->output ? dir : NULL))
			orphans->v[kept++] = orphans->v[i];
		else
			free(orphans->v[i]);
		free(copy);
	}
	orphans->n = kept;
	changed_free(c);
	return 0;
}

/* ---- docker-bake.json (bake.c) ------------------------------------------------------ */

/* The bake file at ROOT: its name errors (exit 1), then, when every spec
 * compiled, written or checked like the other files. */
static void bake_file(Run *run, size_t nspecs)
{
	size_t nerr = 0;
	const BakeError *errs = run->cli->changed ? NULL : bake_check_names(run->bake, &nerr);
	for (size_t i = 0; i < nerr; i++) {
		fprintf(stderr, "%s:%d:%d: error: %s [" BAKE_RULE "]\n", cli_shown(errs[i].spec), errs[i].line,
			errs[i].col, errs[i].message);
		report_diag(run->report, report_spec(run->report, errs[i].spec), REPORT_ERROR,
			    (ReportPos){errs[i].spec, errs[i].line, errs[i].col},
			    arena_printf(run->arena, "%s [" BAKE_RULE "]", errs[i].message));
	}
	run->errors += (int)nerr;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/" BAKE_FILE, run->cli->root);
	char *have = all_slurp(path, NULL);
	char *want = NULL;
	if (run->cli->changed) {
		/* a target per spec: the file is made from every spec or none */
		fprintf(stderr, "stagec: note: %s %s under --changed-files, which compiles some specs only\n",
			BAKE_FILE, run->cli->check ? "not checked" : "not written");
	} else if (run->errors) {
		fprintf(stderr, "stagec: warning: %s %s: specs have errors\n", BAKE_FILE,
			run->cli->check ? "not checked" : "left as it was");
	} else if (bake_count(run->bake) < nspecs) {
		run->io_failed = true;
		cli_error("%s", "out of memory");
	} else if (!nspecs) {
		if (have && bake_is_ours(have) && run->cli->check)
			drift(run, NULL, path, REPORT_ORPHAN, NULL);
		else if (have && bake_is_ours(have))
			fprintf(stderr, "stagec: warning: '%s' was generated from specs that are gone; remove it\n",
				cli_shown(rel_path(run, path)));
	} else if (!(want = bake_render(run->bake))) {
		run->io_failed = true;
		cli_error("cannot write %s: a path or label is not UTF-8", BAKE_FILE);
	} else {
		char changed[128];
		BakeState state = have ? bake_compare(have, want, changed, sizeof(changed)) : BAKE_FRESH;
		if (run->cli->check) {
			if (!have)
				drift(run, NULL, path, REPORT_MISSING, NULL);
			else if (state == BAKE_FRESH)
				printf("%s: fresh\n", rel_path(run, path));
			else
				drift(run, NULL, path, state == BAKE_STALE ? REPORT_STALE : REPORT_EDITED,
				      state == BAKE_STALE ? arena_strdup(run->arena, changed) : NULL);
			if (run->cli->diff && (!have || state != BAKE_FRESH))
				all_print_diff(stdout, have ? rel_path(run, path) : "/dev/null", have ? have : "",
					   rel_path(run, path), want);
		} else if (have && (state == BAKE_FOREIGN || state == BAKE_EDITED) && !run->cli->force) {
			run->io_failed = true;
			cli_error("refusing to overwrite '%s', %s; move it away, or use --force", cli_shown(path),
				  state == BAKE_FOREIGN ? "which stagec did not generate"
							: "edited by hand since stagec generated it");
		} else if (!have || state != BAKE_FRESH) {
			CliFile f = {BAKE_FILE, want};
			if (cli_write_files(run->cli->root, &f, 1, true) != 0)
				run->io_failed = true;
		}
	}
	free(have);
	free(want);
}

/* ---- the command ---------------------------------------------------------------- */

static int parse(int argc, char **argv, AllCli *cli)
{
	struct option longopts[CLI_MAX_OPTIONS];
	char shorts[64];
	cli_getopt_table(CLI_ALL, longopts, shorts);
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_OUTPUT: cli->output = optarg; break;
		case OPT_CHANGED: cli->changed = optarg; break;
		case OPT_CHECK: cli->check = true; break;
		case OPT_DIFF: cli->diff = true; break;
		case OPT_FORCE: cli->force = true; break;
		case OPT_POLICY: cli->policy = optarg; break;
		case OPT_NO_POLICY: cli->no_policy = true; break;
		case OPT_BASE: cli->base = optarg; break;
		case OPT_NO_COMMENTS: cli->no_comments = true; break;
		case OPT_TEMPLATES: cli->templates = optarg; break;
		case OPT_JOBS: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (!*optarg || *end || n < 1 || n > MAX_JOBS)
				return cli_usage_error(CLI_ALL, "-j takes a number from 1 to %d, not '%s'", MAX_JOBS,
						       cli_shown(optarg));
			cli->jobs = (int)n;
			break;
		}
		case OPT_LOCK:
			if (!cli_lock_mode(optarg, &cli->lock_mode))
				return cli_usage_error(CLI_ALL, "--lock takes pinned, frozen or off, not '%s'",
						 cli_shown(optarg));
			break;
		case OPT_REPORT: {
			char *colon = strchr(optarg, ':');
			char name[16];
			ReportFormat f;
			if (!colon || colon == optarg || !colon[1] || (size_t)(colon - optarg) >= sizeof(name))
				return cli_usage_error(CLI_ALL, "--report takes FORMAT:FILE (e.g. junit:report.xml), not '%s'",
						       cli_shown(optarg));
			snprintf(name, sizeof(name), "%.*s", (int)(colon - optarg), optarg);
			if (!report_format_parse(name, &f))
				return cli_usage_error(CLI_ALL, "--report format '%s' is not one of text, junit, sarif, json",
						       cli_shown(name));
			if (cli->nreports == MAX_REPORTS)
				return cli_error("at most %d --report options", MAX_REPORTS);
			cli->reports[cli->nreports++] = (ReportOut){f, colon + 1};
			break;
		}
		case OPT_HELP:
			fputs(all_head, stdout);
			cli_print_options(stdout, CLI_ALL);
			fputs(all_tail, stdout);
			return 0;
		case OPT_LIST_OPTIONS: cli_list_options(stdout, CLI_ALL); return 0;
		case ':': return cli_usage_error(CLI_ALL, "option '%s' needs a value", argv[optind - 1]);
		default: return cli_unknown_option(CLI_ALL, argv[optind - 1]);
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error(CLI_ALL, "one ROOT at a time; '%s' is one too many",
				 cli_shown(argv[optind + 1]));
	cli->root = optind < argc ? argv[optind] : ".";
	if (cli->diff && !cli->check)
		return cli_usage_error(CLI_ALL, "%s", "--diff goes with --check (it shows what a run would change)");
	if (cli->policy && cli->no_policy)
		return cli_usage_error(CLI_ALL, "%s", "--policy and --no-policy contradict each other");
	return -1;
}

static int write_reports(Run *run)
{
	int status = 0;
	for (int i = 0; i < run->cli->nreports; i++) {
		const ReportOut *ro = &run->cli->reports[i];
		Strbuf sb = STRBUF_INIT;
		if (report_write(run->report, ro->format, &sb) != 0) {
			status = cli_error("cannot render the report '%s'%s%s", cli_shown(ro->path),
					   *xmllib_error() ? ": " : "", xmllib_error());
		} else {
			char *copy = strdup(ro->path), *copy2 = strdup(ro->path);
			CliFile f = {basename(copy2), strbuf_str(&sb)};
			/* a report is the user's named file: replaced whatever it holds */
			if (cli_write_files(dirname(copy), &f, 1, true) != 0)
				status = 2;
			free(copy);
			free(copy2);
		}
		strbuf_release(&sb);
	}
	return status;
}

int stagec_all_main(int argc, char **argv)
{
	AllCli cli = {0};
	int status = parse(argc, argv, &cli);
	if (status >= 0)
		return status;
	struct stat st;
	if (stat(cli.root, &st) != 0 || !S_ISDIR(st.st_mode))
		return cli_error("'%s' is not a folder; give stagec all the root of the specs", cli_shown(cli.root));
	if (cli.output && stat(cli.output, &st) == 0 && !S_ISDIR(st.st_mode))
		return cli_error("'%s' is not a folder; give -o a folder (it is created when missing)",
				 cli_shown(cli.output));
	all_walk_output(cli.output);

	/* 1. discovery */
	Ignore ig = {0};
	if (!all_ignore_read(cli.root, &ig))
		return 2;
	PathList specs = {0}, orphans = {0};
	all_walk(cli.root, "", &ig, &specs, &orphans);
	if (specs.n)
		qsort(specs.v, specs.n, sizeof(*specs.v), all_cmp_str);
	if (orphans.n)
		qsort(orphans.v, orphans.n, sizeof(*orphans.v), all_cmp_str);

	/* 2. policies: each distinct file checked once, before anything is written */
	stagec_discovery_remember(true); /* the specs share their parents' answers */
	char **policies = calloc(specs.n + 1, sizeof(char *));
	PathList checked = {0};
	bool bad_policy = false;
	for (size_t i = 0; i < specs.n && policies; i++) {
		if (cli.no_policy)
			continue;
		policies[i] = stagec_policy_find(specs.v[i], cli.policy);
		if (!policies[i])
			continue;
		bool seen = false;
		for (size_t k = 0; k < checked.n && !seen; k++)
			seen = strcmp(checked.v[k], policies[i]) == 0;
		if (seen)
			continue;
		paths_push(&checked, strdup(policies[i]));
		char *diags = NULL;
		if (!stagec_policy_check(policies[i], &diags)) {
			bad_policy = true;
			fputs(diags && *diags ? diags : "", stderr);
			if (!diags || !*diags)
				cli_error("the policy '%s' is not valid", cli_shown(policies[i]));
		}
		free(diags);
	}
	bool bad_lock = false; /* a bad lock stops the run too */
	char **locks = bad_policy ? NULL : cli_locks_for(specs.v, specs.n, cli.lock_mode, &bad_lock);
	stagec_discovery_remember(false);
	if (!policies || bad_policy || !locks || bad_lock) {
		if (bad_policy)
			fputs("stagec: error: an invalid policy stops the run; nothing was written\n", stderr);
		status = 2;
		goto done;
	}

	/* 3. each spec */
	Run run = {.cli = &cli, .arena = arena_new()};
	run.report = report_new(run.arena, STAGEC_VERSION);
	run.bake = bake_new(cli.root);
	run.report->drift_checked = cli.check;
	run.report->time = report_source_date_epoch();
	if (cli.output)
		mirror_orphans(&run, &specs, &orphans);
	/* --changed-files: the specs (and orphans) those paths touch */
	size_t all_specs = specs.n;
	if (cli.changed && select_changed(&run, &specs, policies, locks, &orphans) != 0) {
		bake_free(run.bake);
		arena_free(run.arena);
		status = 2;
		goto done;
	}
	cli_defer_sync(true); /* one sync at the end, not one per file */
	if (run_specs(&run, specs.v, policies, locks, specs.n) != 0) {
		cli_error("%s", "out of memory");
		run.io_failed = true;
	}
	if (!cli.check) {
		for (size_t i = 0; i < orphans.n; i++)
			fprintf(stderr, "stagec: warning: '%s' was generated from a spec that is gone; remove it\n",
				cli_shown(rel_path(&run, orphans.v[i])));
	} else {
		for (size_t i = 0; i < orphans.n; i++) {
			char *copy = strdup(orphans.v[i]);
			char spec_path[PATH_MAX];
			snprintf(spec_path, sizeof(spec_path), "%s/app.yaml",
				 cli.output ? mirrored_rel(&run, dirname(copy)) : rel_path(&run, dirname(copy)));
			ReportSpec *s = report_spec(run.report, spec_path);
			s->compile = REPORT_GONE;
			drift(&run, s, orphans.v[i], REPORT_ORPHAN, NULL);
			free(copy);
		}
	}
	bake_file(&run, specs.n);
	if (cli_sync() != 0)
		run.io_failed = true;
	cli_defer_sync(false); /* the reports: each synced as it is written */
	if (write_reports(&run) != 0)
		run.io_failed = true;
	if (cli.changed)
		fprintf(stderr, "all: --changed-files: %zu of %zu specs touched\n", specs.n, all_specs);
	if (cli.check)
		fprintf(stderr, "all: %zu specs, %d files drifted, %d with errors\n", specs.n, run.drift, run.errors);
	else
		fprintf(stderr, "all: %zu specs, %d written, %d unchanged, %d with errors\n", specs.n, run.written,
			run.unchanged, run.errors);
	status = run.io_failed ? 2 : run.errors ? 1 : run.drift ? 3 : 0;
	bake_free(run.bake);
	arena_free(run.arena);
done:
	for (size_t i = 0; i < specs.n && policies; i++)
		free(policies[i]);
	free(policies);
	for (size_t i = 0; i < specs.n && locks; i++)
		free(locks[i]);
	free(locks);
	paths_free(&checked);
	paths_free(&specs);
	paths_free(&orphans);
	all_ignore_free(&ig);
	return status;
}
