/*
 * all_spec.c - one spec of `stagec all`, on any thread.
 *
 * Both variants come from one compilation (StagecOptions.both_variants:
 * one reading of the spec and its project).  Then either the files are
 * written with main.c's atomic writer (cli_write_files), or, with --check,
 * compared with what is on disk: each file fresh, stale (and which input
 * changed, from line 2), edited (its content no longer matches out=) or
 * missing.  A run refuses (without --force) to overwrite a file whose
 * content no longer matches its out= hash.
 *
 * Nothing shared is touched here: what the spec prints goes into the
 * job's own streams, what --check found into its list, and all.c takes
 * them up in path order, so that the output is the same whatever the
 * number of threads.  The cache (templates, policies) is the thread's own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "all.h"
#include "internal.h"

const char *all_rel_path(const AllCli *cli, const char *path)
{
	size_t n = strlen(cli->root);
	if (strcmp(cli->root, ".") != 0 && strncmp(path, cli->root, n) == 0 && path[n] == '/')
		return path + n + 1;
	if (strncmp(path, "./", 2) == 0)
		return path + 2;
	return path;
}

char *all_out_dir(const AllCli *cli, const char *spec_path, const char *const **ret_names, int *ret_n)
{
	char *copy = strdup(spec_path);
	if (!copy)
		return NULL;
	char *dir = dirname(copy);
	char *out;
	if (!cli->output) {
		*ret_names = ALL_FILE_NAMES;
		*ret_n = NFILES;
		out = strdup(dir);
	} else {
		*ret_names = ALL_MIRROR_NAMES;
		*ret_n = NMIRROR;
		const char *rel = all_rel_path(cli, dir);
		if (strcmp(rel, ".") == 0 || strcmp(dir, cli->root) == 0)
			out = strdup(cli->output);
		else if (asprintf(&out, "%s/%s", cli->output, rel) < 0)
			out = NULL;
	}
	free(copy);
	return out;
}

static void out_of_memory(void)
{
	fputs("stagec: error: out of memory\n", stderr);
	exit(2);
}

/* A job while it runs: where it prints. */
typedef struct Task {
	const AllCli *cli;
	SpecJob *job;
	FILE *out, *err;
} Task;

void all_print_drift(FILE *out, const char *rel, ReportDriftState state, const char *input)
{
	if (state == REPORT_STALE)
		fprintf(out, "%s: stale (%s changed)\n", rel, input);
	else
		fprintf(out, "%s: %s\n", rel, report_drift_name(state));
}

static void found(Task *s, const char *path, ReportDriftState state, const char *input)
{
	SpecJob *j = s->job;
	const char *rel = all_rel_path(s->cli, path);
	all_print_drift(s->out, rel, state, input);
	DriftFound *bigger = realloc(j->drifts, (j->ndrifts + 1) * sizeof(*bigger));
	if (!bigger)
		out_of_memory();
	j->drifts = bigger;
	j->drifts[j->ndrifts++] = (DriftFound){strdup(rel), state, input ? strdup(input) : NULL};
}

/* --check of one file: want is what a run would write there. */
static void check_file(Task *s, const char *path, const char *want)
{
	size_t len = 0;
	char *have = all_slurp(path, &len);
	if (!have && errno != ENOENT) {
		cli_error("cannot check '%s': %s", cli_shown(path), all_slurp_error(errno));
		s->job->io_failed = true;
		return;
	}
	if (!have) {
		found(s, path, REPORT_MISSING, NULL);
		if (s->cli->diff)
			all_print_diff(s->out, "/dev/null", "", all_rel_path(s->cli, path), want);
		return;
	}
	if (strcmp(have, want) == 0) {
		fprintf(s->out, "%s: fresh\n", all_rel_path(s->cli, path));
		free(have);
		return;
	}
	const char *line2 = inputs_line(have), *wline2 = inputs_line(want);
	if (!line2 && strncmp(have, STAGEC_HEADER_MARK, strlen(STAGEC_HEADER_MARK)) == 0) {
		/* stagec's, from a version that wrote no line 2 */
		found(s, path, REPORT_STALE, "stagec");
	} else if (!line2 || !wline2 || inputs_edited(have, line2)) {
		found(s, path, REPORT_EDITED, NULL);
	} else {
		/* every recorded input the same: the content changed with
		 * something line 2 does not hash (folders, which files exist) */
		Arena *a = arena_new();
		const char *changed = inputs_changed(a, line2, wline2);
		found(s, path, REPORT_STALE, changed ? changed : "the project's layout or stagec");
		arena_free(a);
	}
	if (s->cli->diff)
		all_print_diff(s->out, all_rel_path(s->cli, path), have, all_rel_path(s->cli, path), want);
	free(have);
}

/* Writes the spec's files unless they are the same already; refuses to
 * overwrite one edited by hand (without --force). */
static void write_files(Task *s, const char *dir, const char *const *names, int nfiles, char *const *texts)
{
	SpecJob *j = s->job;
	bool same = true;
	bool hand_edited = false;
	for (int f = 0; f < nfiles; f++) {
		char out[PATH_MAX];
		snprintf(out, sizeof(out), "%s/%s", dir, names[f]);
		char *have = all_slurp(out, NULL);
		if (!have && errno == EFBIG) {
			cli_error("refusing to overwrite '%s': %s; move it away", cli_shown(out), all_slurp_error(errno));
			hand_edited = true;
		}
		bool equal = have && strcmp(have, texts[f]) == 0;
		same = same && equal;
		const char *line2 = have && !equal ? inputs_line(have) : NULL;
		if (line2 && inputs_edited(have, line2) && !s->cli->force) {
			fprintf(s->err, "stagec: error: refusing to overwrite '%s', edited by hand since "
					"stagec generated it; move the change into the spec, or use --force\n",
				cli_shown(out));
			hand_edited = true;
		}
		free(have);
	}
	/* a killed run's leftovers go even when nothing is rewritten
	 * (cli_write_files removes them when it writes); the walk listed
	 * every spec's folder, so only one where it saw some is read again
	 * (-o folders it did not list) */
	bool scan = s->cli->output || all_walk_saw_temps(dir);
	if (scan && (hand_edited || same))
		cli_remove_stale_temps(dir);
	if (hand_edited) {
		j->io_failed = true;
	} else if (same) {
		j->unchanged = true;
	} else {
		CliFile files[NMIRROR];
		for (int f = 0; f < nfiles; f++)
			files[f] = (CliFile){names[f], texts[f]};
		if (cli_write_files_in(dir, files, (size_t)nfiles, s->cli->force, scan) == 0)
			j->written = true;
		else
			j->io_failed = true;
	}
}

/* The files of a spec that compiled: both variants and their ignore files. */
static void files_of(Task *s, const StagecResult *multi, const StagecResult *single)
{
	SpecJob *j = s->job;
	char *texts[NMIRROR] = {
		strdup(stagec_result_output(multi)),
		strdup(stagec_result_output(single)),
		strdup(stagec_result_dockerignore(multi)),
		strdup(stagec_result_dockerignore(single)),
	};
	if (!texts[0] || !texts[1] || !texts[2] || !texts[3])
		out_of_memory();
	const char *const *names;
	int nfiles;
	j->dir = all_out_dir(s->cli, j->path, &names, &nfiles);
	if (!j->dir)
		out_of_memory();
	if (stagec_result_context(multi)) {
		/* the spec's folder is not the context's root: Docker reads
		 * only <dockerfile>.dockerignore there */
		names = ALL_MIRROR_NAMES;
		nfiles = NMIRROR;
	}
	if (s->cli->check) {
		for (int f = 0; f < nfiles; f++) {
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "%s/%s", j->dir, names[f]);
			check_file(s, path, texts[f]);
		}
	} else {
		write_files(s, j->dir, names, nfiles, texts);
	}
	for (int f = 0; f < NMIRROR; f++)
		free(texts[f]);
}

void all_spec_run(const AllCli *cli, StagecCache *cache, SpecJob *job)
{
	Task s = {cli, job, open_memstream(&job->out, &job->out_len), open_memstream(&job->err, &job->err_len)};
	if (!s.out || !s.err)
		out_of_memory();
	FILE *was = cli_error_stream(s.err);
	SpecText spec = {0};
	if (cli_read_spec(job->path, &spec) != 0) {
		job->unreadable = true;
		job->io_failed = true;
		job->status = 2;
	} else {
		/* diagnostics name the spec relative to ROOT, whichever way ROOT
		 * was spelled (the files name it by its file name only) */
		StagecOptions o = {.base = cli->base, .no_policy = cli->no_policy, .policy_path = job->policy,
				   .display_path = all_rel_path(cli, job->path), .templates_dir = cli->templates,
				   .cache = cache, .lock_path = job->lock, .lock_mode = cli->lock_mode,
				   .no_comments = cli->no_comments, .both_variants = true};
		if (cli->check && job->lock && o.lock_mode == STAGEC_LOCK_PINNED)
			o.lock_mode = STAGEC_LOCK_FROZEN; /* the check includes the lock's: every image locked */
		job->status = cli_compile(&spec, &o, s.err, &job->result);
		const StagecResult *single = job->result ? stagec_result_single(job->result) : NULL;
		if (!job->result || (!single && job->status == 0))
			out_of_memory();
		if (job->status == 0)
			files_of(&s, job->result, single);
		else if (job->status == 2)
			job->io_failed = true;
	}
	free(spec.text);
	free(spec.dir);
	cli_error_stream(was);
	if (fclose(s.out) != 0 || fclose(s.err) != 0)
		out_of_memory();
}

void all_spec_release(SpecJob *job)
{
	/* as a run on one thread printed them: stderr at once, stdout buffered */
	if (job->err_len)
		fwrite(job->err, 1, job->err_len, stderr);
	if (job->out_len)
		fwrite(job->out, 1, job->out_len, stdout);
	free(job->out);
	free(job->err);
	free(job->dir);
	for (size_t i = 0; i < job->ndrifts; i++) {
		free(job->drifts[i].path);
		free(job->drifts[i].input);
	}
	free(job->drifts);
	job->out = job->err = job->dir = NULL;
	job->drifts = NULL;
	job->ndrifts = 0;
}
