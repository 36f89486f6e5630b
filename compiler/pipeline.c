/*
 * pipeline.c - one compilation, start to end: stagec_compile().
 *
 * Reads the spec, checks it, loads its language's template, lowers it to
 * the IR, runs the passes (the flat list below, in order) and emits the
 * Dockerfile.  Every allocation goes into one arena that
 * stagec_result_free() releases.  ir_check() runs after lowering and after
 * every pass: a broken invariant is reported as an internal error rather
 * than emitted.
 *
 * A policy (policy.c) wraps the spec: its defaults and enforce are merged
 * into the spec's node tree before the spec reader sees it, and its rules
 * (rules.c) run after the passes on the IRs of both variants, so the
 * variant not asked for is lowered too, for the rules only.
 *
 * Every file the compilation reads for the variant asked for (the spec,
 * the policy chain, project files, template files) is recorded (inputs.c)
 * and line 2 of the Dockerfile and of the .dockerignore names them with
 * their hashes; the other variant's reads are not recorded, so a variant
 * records the same inputs with or without the rules.
 *
 * A lock file (lock.c), an input too, freezes the template's default
 * version before lowering, and pins the images after the rules ran on the
 * tags, just before emitting.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "lock.h"
#include "project/project.h"

const Pass stagec_passes[] = {
	{"closure", pass_closure, false},
	{"cache-order", pass_cache_order, false},
	{"split", pass_split, true},
	{"packages", pass_packages, false},
	{"merge", pass_merge, false},
	{"prune", pass_prune, true},
	{"test", pass_test, true},
};
const size_t stagec_npasses = sizeof(stagec_passes) / sizeof(stagec_passes[0]);

struct StagecResult {
	Arena *arena;
	bool ok;
	char *output;
	char *dockerignore;
	const char *context;        /* the spec's context: above its folder ("../.."), or NULL */
	char *diagnostics;
	int errors, warnings;
	bool io_error;
	bool usage_error;
	RuleResults rules;          /* the policy's rules, evaluated */
	const char **policy_files;  /* the policy chain, outermost first */
	size_t npolicy_files;
	const Lock *lock;           /* the lock file used, or NULL */
	LockUses uses;              /* the images the output names */
	StagecImage *images;
	const char *language, *template_default;
	const char *name;           /* the app's name; its `name:` position, 0 when not the spec's */
	int name_line, name_col;
	StagecLabel *labels;        /* the final image's labels, sorted by key */
	size_t nlabels;
	const char **platforms;     /* the policy's enforce.platforms */
	size_t nplatforms;
	const StagecExplain *explain; /* with opts.explain */
	StagecResult *single;       /* with opts.both_variants: the single-stage variant (output,
				     * dockerignore, diagnostics and status only) */
};

const char *const *stagec_pass_names(void)
{
	static const char *names[sizeof(stagec_passes) / sizeof(stagec_passes[0]) + 2];
	names[0] = "lower";
	for (size_t i = 0; i < stagec_npasses; i++)
		names[i + 1] = stagec_passes[i].name;
	return names;
}

/* The base: the spec's or the option's, one of bases.yaml. */
static const char *check_base(Diags *d, const Spec *spec, const Templates *t, const char *option)
{
	const char *base = option ? option : spec->base.s ? spec->base.s : t->default_base;
	if (base_named(t, base))
		return base;
	Strbuf list = STRBUF_INIT;
	const char *names[32];
	size_t n = 0;
	for (size_t i = 0; i < t->nbases; i++) {
		strbuf_addf(&list, "%s'%s'", i ? (i + 1 == t->nbases ? " or " : ", ") : "", t->bases[i].name);
		if (n < 32)
			names[n++] = t->bases[i].name;
	}
	const char *near = suggest_closest(base, names, n);
	SrcPos pos = option ? (SrcPos){0} : spec->base.pos;
	if (near)
		diag_error(d, pos, "unknown base '%s' (did you mean '%s'?)", base, near);
	else
		diag_error(d, pos, "unknown base '%s'; use %s", base, strbuf_str(&list));
	strbuf_release(&list);
	return NULL;
}

static void check_language(Diags *d, const Spec *spec, const Templates *t)
{
	if (strlist_contains(&t->languages, spec->language.s))
		return;
	const char *s = suggest_closest(spec->language.s, t->languages.v, t->languages.n);
	if (s)
		diag_error(d, spec->language.pos, "unknown language '%s' (did you mean '%s'?)", spec->language.s, s);
	else
		diag_error(d, spec->language.pos, "unknown language '%s'; stagec knows %s", spec->language.s,
			   strlist_join(d->arena, &t->languages, ", "));
}

/* The spec's file name: the header and line 2 name it so, whichever way
 * the spec was reached ("examples/flask/app.yaml" or "app.yaml"). */
static const char *file_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* The real path of the spec's folder: the build context, and the source
 * of the default name even for "stagec app.yaml". */
static char *spec_dir(Arena *a, const char *path)
{
	char *copy = arena_strdup(a, path);
	char *dir = dirname(copy);
	char *real = stagec_realpath(dir, NULL);
	if (!real)
		return arena_strdup(a, dir);
	char *out = arena_strdup(a, real);
	free(real);
	return out;
}

/* Runs the passes; stops after `dump_after` when it names one.  Returns the
 * IR, or NULL after errors. */
static Ir *run_passes(Ir *ir, PassCtx *ctx, const char *dump_after, bool *stopped)
{
	const char *err = ir_check(ir);
	if (err) {
		diag_error(ctx->diags, (SrcPos){0}, "internal error after lowering: %s", err);
		return NULL;
	}
	if (dump_after && strcmp(dump_after, "lower") == 0) {
		*stopped = true;
		return ir;
	}
	for (size_t i = 0; i < stagec_npasses; i++) {
		const Pass *p = &stagec_passes[i];
		if (p->multi_stage_only && ctx->single_stage)
			continue;
		if (p->run(ir, ctx) != 0 || diags_failed(ctx->diags))
			return NULL;
		err = ir_check(ir);
		if (err) {
			diag_error(ctx->diags, (SrcPos){0}, "internal error after pass '%s': %s", p->name, err);
			return NULL;
		}
		if (dump_after && strcmp(dump_after, p->name) == 0) {
			*stopped = true;
			return ir;
		}
	}
	return ir;
}

/* The policy of the options, or the baseline; NULL after errors in it. */
static Policy *open_policy(StagecResult *r, const StagecOptions *o, Diags *d)
{
	if (o->no_policy)
		return NULL;
	if (!o->policy_path)
		return policy_baseline(r->arena);
	Policy *p = cache_policy(o->cache, r->arena, o->policy_path, d);
	if (!p) {
		r->usage_error = true; /* an invalid policy stops the run: exit 2 */
		return NULL;
	}
	r->policy_files = arena_alloc(r->arena, (p->nchain + 1) * sizeof(char *));
	for (size_t i = 0; i < p->nchain; i++)
		r->policy_files[i] = p->chain[i]->path;
	r->npolicy_files = p->nchain;
	return p;
}

/* The flags sit between the spec and enforce: an enforced base wins. */
static const char *base_option(const Policy *p, const StagecOptions *o, Diags *d)
{
	const YNode *eb = p ? ynode_get(p->enforce, "base") : NULL;
	if (!o->base || !eb || eb->kind != YNODE_SCALAR || strcmp(eb->str, o->base) == 0)
		return o->base;
	diag_warning(d, (SrcPos){0}, "'--base %s' is overridden by policy (%s:%d:%d) [STG010]", o->base,
		     eb->pos.file ? eb->pos.file->path : "policy", eb->pos.line, eb->pos.col);
	return NULL;
}

/* The other variant's IR, for the rules only: its own diagnostics are the
 * same as the first variant's and are not reported twice. */
static Ir *other_variant(Arena *a, const LowerInput *first, Templates *templates)
{
	Diags scratch;
	diags_init(&scratch, a, 0, false);
	LowerInput in = *first;
	in.single_stage = !first->single_stage;
	in.inputs = NULL; /* what only the other variant reads shapes no file here */
	Inputs *recording = templates->inputs;
	templates->inputs = NULL;
	Ir *ir = lower_spec(a, &in, &scratch);
	PassCtx ctx = {a, &scratch, templates, in.single_stage};
	bool stopped = false;
	if (ir)
		ir = run_passes(ir, &ctx, NULL, &stopped);
	templates->inputs = recording;
	return ir;
}

/* The single-stage variant beside the multi-stage one (both_variants):
 * its IR and its own diagnostics. */
typedef struct Variant {
	Ir *ir;
	Diags diags;
} Variant;

/* Lowers the second variant of a spec for a driver that writes both:
 * from the same spec and templates, the project's files shared with the
 * first (read once), recorded in its own inputs (in->inputs), so that
 * its line 2 is a hand run's.  NULL after errors, which are in d. */
static Ir *lower_variant(Arena *a, const LowerInput *in, Templates *templates, Diags *d)
{
	Inputs *recording = templates->inputs;
	templates->inputs = in->inputs;
	Ir *ir = lower_spec(a, in, d);
	if (ir && !dockerignore_lower(a, ir, templates, in->tmpl, in->spec, d))
		ir = NULL;
	PassCtx ctx = {a, d, templates, in->single_stage};
	bool stopped = false;
	if (ir)
		ir = run_passes(ir, &ctx, NULL, &stopped);
	if (ir)
		dockerignore_check(a, ir, in->spec, d);
	templates->inputs = recording;
	return ir && !diags_failed(d) ? ir : NULL;
}

/* Emits a variant's Dockerfile (with --dump-ir its IR instead) and
 * .dockerignore, each but the dump with its line 2 (options: "multi" or
 * "single", and ",base=NAME" when a flag chose it). */
static bool emit_variant(StagecResult *r, const Ir *ir, const Spec *spec, const SourceFile *f, const Inputs *inputs,
			 const char *options, const StagecOptions *o, Diags *d, char **ret_output, char **ret_ignore)
{
	EmitInfo info = {file_name(f->path), ir->name, o->single_stage, !o->no_comments};
	Strbuf out = STRBUF_INIT;
	if (o->dump_ir) {
		ir_dump(ir, &out);
		*ret_output = strbuf_detach(&out);
	} else {
		if (!emit_check_line_length(ir, spec, d))
			return false;
		/* the Dockerfile's line 2 says whether it has its comments (so
		 * that --check tells the two apart); the ignore file is the
		 * same either way */
		const char *df_options = o->no_comments ? arena_printf(r->arena, "%s,no-comments", options) : options;
		emit_dockerfile(ir, &info, &out);
		*ret_output = inputs_stamp(inputs, df_options, strbuf_detach(&out));
	}
	Strbuf ign = STRBUF_INIT;
	emit_dockerignore(ir, &info, &ign);
	*ret_ignore = inputs_stamp(inputs, options, strbuf_detach(&ign));
	return true;
}

/* The lock of the options; NULL when there is none or it is off, and
 * after errors in it (then usage_error: exit 2). */
static const Lock *open_lock(StagecResult *r, const StagecOptions *o, Diags *d)
{
	if (!o->lock_path || o->lock_mode == STAGEC_LOCK_OFF)
		return NULL;
	Lock *l = lock_load(r->arena, o->lock_path, NULL, d);
	if (!l)
		r->usage_error = true; /* an invalid lock stops the run: exit 2 */
	return l;
}

/* The template with the lock's default version, when it freezes one. */
static Template *locked_template(Arena *a, const Lock *lock, Template *t)
{
	const char *v = lock_default_version(lock, t->language);
	if (!v || strcmp(v, t->default_version) == 0)
		return t;
	Template *copy = arena_alloc(a, sizeof(*copy));
	*copy = *t;
	copy->default_version = v;
	for (size_t i = 0; i < lock->ntemplates; i++)
		if (strcmp(lock->templates[i].language, t->language) == 0)
			copy->version_pos = lock->templates[i].pos;
	return copy;
}

/* The rules on both variants: the other one is lowered here unless the
 * caller compiled it already (have_other; other may then be NULL, after
 * its errors). */
static void check_rules(StagecResult *r, const Policy *p, const LowerInput *in, Ir *ir, bool have_other, Ir *other,
			Templates *templates, const char *spec_real, const StagecOptions *o, Diags *d)
{
	RuleInput ri = {p, in->spec, in->tmpl, spec_real, 0, {NULL, NULL}, r->lock,
			o->lock_mode == STAGEC_LOCK_FROZEN};
	if ((p->nexceptions || p->active[RULE_LOCK_MAX_AGE]) && !policy_today(d, &ri.today))
		return;
	/* the other variant lives in an arena of its own, freed once the
	 * rules have run: findings are copied into the result's arena and
	 * point at the spec and policy files, never into that IR */
	Arena *scratch = have_other ? NULL : arena_new();
	if (!have_other)
		other = other_variant(scratch, in, templates);
	ri.irs[0] = in->single_stage ? other : ir;
	ri.irs[1] = in->single_stage ? ir : other;
	rules_evaluate(r->arena, &ri, d, &r->rules);
	arena_free(scratch);
}

/* Labels in the order the final stage sets them: by key, then by order. */
typedef struct LabelAt {
	StagecLabel l;
	size_t at;
} LabelAt;

static int cmp_label(const void *x, const void *y)
{
	const LabelAt *a = x, *b = y;
	int c = strcmp(a->l.key, b->l.key);
	return c ? c : a->at < b->at ? -1 : a->at > b->at;
}

/* What a driver reads besides the text (stagec_result_name, _labels),
 * taken from the compiled program so that it is what the image gets. */
static void keep_facts(StagecResult *r, const Spec *spec, const SourceFile *f, const Ir *ir, const Policy *p)
{
	const YNode *plat = p ? ynode_get(p->enforce, POLICY_PLATFORMS) : NULL;
	if (plat && plat->kind == YNODE_SEQ) { /* checked when the policy was read */
		r->platforms = arena_alloc(r->arena, (plat->n + 1) * sizeof(char *));
		for (size_t i = 0; i < plat->n; i++)
			r->platforms[r->nplatforms++] = plat->items[i]->str;
	}
	r->name = ir->name;
	if (spec->name.pos.file == f && spec->name.pos.line > 0) {
		r->name_line = spec->name.pos.line;
		r->name_col = spec->name.pos.col;
	}
	size_t n = 0;
	for (const Step *st = ir->last ? ir->last->first : NULL; st; st = st->next)
		if (st->kind == STEP_LABEL)
			n += st->keys.n;
	LabelAt *all = arena_alloc(r->arena, (n + 1) * sizeof(*all));
	n = 0;
	for (const Step *st = ir->last ? ir->last->first : NULL; st; st = st->next)
		for (size_t i = 0; st->kind == STEP_LABEL && i < st->keys.n; i++, n++)
			all[n] = (LabelAt){{st->keys.v[i], st->values.v[i]}, n};
	if (n)
		qsort(all, n, sizeof(*all), cmp_label);
	r->labels = arena_alloc(r->arena, (n + 1) * sizeof(*r->labels));
	for (size_t i = 0; i < n; i++) /* a later LABEL of the same key wins, as in the image */
		if (i + 1 == n || strcmp(all[i].l.key, all[i + 1].l.key) != 0)
			r->labels[r->nlabels++] = all[i].l;
}

static bool compile(StagecResult *r, const SourceFile *f, const char *dir, const char *spec_real,
		    const StagecOptions *o, Diags *d)
{
	Arena *a = r->arena;
	Inputs inputs;
	inputs_init(&inputs, a, dir);
	inputs_add(&inputs, INPUT_SPEC, file_name(f->path), f->text, f->len);
	Policy *policy = open_policy(r, o, d); /* a bad policy stops everything */
	if (!policy && r->usage_error)
		return false;
	for (size_t i = 0; policy && i < policy->nchain; i++)
		inputs_add_file(&inputs, INPUT_POLICY, policy->chain[i]->path, policy->chain[i]->text,
				policy->chain[i]->len);
	r->lock = open_lock(r, o, d); /* so does a bad lock */
	if (r->usage_error)
		return false;
	if (r->lock)
		inputs_add_file(&inputs, INPUT_LOCK, r->lock->file->path, r->lock->file->text, r->lock->file->len);
	YNode *root = yaml_load(a, f, d);
	if (!root)
		return false;
	PolicyLog *plog = o->explain ? arena_alloc(a, sizeof(*plog)) : NULL;
	if (policy && policy->nchain)
		root = policy_apply_logged(a, policy, root, f, d, plog);
	Spec *spec = spec_parse(a, root, f, dir, d);
	if (!spec)
		return false;
	Templates own;
	Templates *templates = cache_templates(o->cache, a, &own, o->templates_dir, &inputs, d);
	if (!templates)
		return false;
	if (spec->language.s && *spec->language.s)
		check_language(d, spec, templates);
	const char *base_opt = base_option(policy, o, d);
	const char *base = check_base(d, spec, templates, base_opt);
	if (!base && base_opt)
		r->usage_error = true; /* --base names no base: the command line is wrong */
	if (!spec->language.s || !strlist_contains(&templates->languages, spec->language.s) || !base)
		return false;
	Template *t = cache_template(o->cache, a, templates, spec->language.s, d);
	if (!t) {
		if (!diags_failed(d))
			diag_error(d, spec->language.pos, "no template for '%s'", spec->language.s);
		return false;
	}
	r->language = t->language;
	r->template_default = t->default_version;
	t = locked_template(a, r->lock, t);
	Project project = {0};
	LowerInput in = {spec, t, templates, base, o->single_stage, &inputs, &project};
	if (diags_failed(d)) { /* the spec has errors: report the version's too */
		lower_check_flavour(a, &in, d);
		return false;
	}
	/* the single-stage variant records what it reads in its own inputs:
	 * the spec, policy, lock and templates so far, then its own reads */
	Inputs single_inputs;
	if (o->both_variants)
		inputs_copy(&single_inputs, &inputs);
	Ir *ir = lower_spec(a, &in, d);
	if (!ir || !dockerignore_lower(a, ir, templates, t, spec, d))
		return false;
	ExplainCtx *ec = NULL;
	if (o->explain) { /* the values as lowering chose them, before any pass moves a step */
		ec = explain_begin(a, spec, policy, plog, r->lock ? r->lock->file : NULL, o->templates_dir,
				   o->single_stage);
		ExplainFacts facts = {base, base_opt != NULL, templates->default_base_pos};
		explain_values(ec, &facts, ir);
	}
	PassCtx ctx = {a, d, templates, o->single_stage};
	bool stopped = false;
	ir = run_passes(ir, &ctx, o->dump_ir && *o->dump_ir ? o->dump_ir : NULL, &stopped);
	if (!ir || diags_failed(d))
		return false;
	dockerignore_check(a, ir, spec, d);
	if (diags_failed(d))
		return false;
	Variant single = {0};
	if (o->both_variants) {
		diags_init(&single.diags, a, o->max_errors, o->werror);
		LowerInput sin = in;
		sin.single_stage = true;
		sin.inputs = &single_inputs;
		single.ir = lower_variant(a, &sin, templates, &single.diags);
	}
	if (policy && !o->dump_ir && !o->no_rules) {
		check_rules(r, policy, &in, ir, o->both_variants, single.ir, templates, spec_real, o, d);
		if (diags_failed(d))
			return false;
	}
	const char *options = o->base ? arena_printf(a, "%s,base=%s", o->single_stage ? "single" : "multi", o->base)
				      : o->single_stage ? "single" : "multi";
	/* the policy's mirror: after the rules matched the names as written,
	 * before the lock pins the names the FROM lines will have */
	if (policy && !o->dump_ir) {
		ImageRewrite *rw;
		size_t nrw = mirror_apply(a, policy, ir, &rw);
		if (ec)
			explain_rewrites(ec, rw, nrw);
	}
	bool rule_says = policy && policy->active[RULE_DIGESTS_REQUIRED] && policy->digests_required && !o->no_rules;
	if (!o->dump_ir && !lock_pin(a, r->lock, o->lock_mode, !rule_says, ir, spec, d, &r->uses))
		return false;
	r->images = arena_alloc(a, (r->uses.n + 1) * sizeof(StagecImage));
	for (size_t i = 0; i < r->uses.n; i++)
		r->images[i] = (StagecImage){r->uses.v[i].ref, r->uses.v[i].digest, r->uses.v[i].entry != NULL};
	r->context = ir->context ? arena_strdup(r->arena, ir->context) : NULL;
	if (!emit_variant(r, ir, spec, f, &inputs, options, o, d, &r->output, &r->dockerignore))
		return false;
	keep_facts(r, spec, f, ir, policy);
	if (ec)
		r->explain = explain_finish(ec, ir);
	if (o->both_variants && (r->single = calloc(1, sizeof(*r->single)))) {
		/* the second variant: the same finishing steps, its own diagnostics */
		if (single.ir && policy)
			mirror_apply(a, policy, single.ir, &(ImageRewrite *){NULL});
		LockUses uses = {0};
		const char *sopt = o->base ? arena_printf(a, "single,base=%s", o->base) : "single";
		StagecOptions so = *o;
		so.single_stage = true;
		r->single->ok = single.ir && !diags_failed(&single.diags) &&
				lock_pin(a, r->lock, o->lock_mode, !rule_says, single.ir, spec, &single.diags, &uses) &&
				emit_variant(r, single.ir, spec, f, &single_inputs, sopt, &so, &single.diags,
					     &r->single->output, &r->single->dockerignore) &&
				!diags_failed(&single.diags);
		r->single->diagnostics = diags_render_text(&single.diags);
		r->single->errors = single.diags.errors;
		r->single->warnings = single.diags.warnings;
	}
	return true;
}

/* Reads the spec from path, or takes it from text when text is not NULL. */
static StagecResult *compile_source(const char *path, const char *dir, const char *text, size_t len,
				    const StagecOptions *opts)
{
	StagecOptions defaults = {0};
	const StagecOptions *o = opts ? opts : &defaults;
	StagecResult *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->arena = arena_new();
	Diags d;
	diags_init(&d, r->arena, o->max_errors, o->werror);
	const SourceFile *f;
	if (text && len > SOURCE_MAX_BYTES) {
		diag_error(&d, (SrcPos){0}, "'%s' is larger than %d bytes; a spec is a short file",
			   o->display_path ? o->display_path : path, SOURCE_MAX_BYTES);
		f = NULL;
	} else if (text)
		f = source_from_string(r->arena, o->display_path ? o->display_path : path, text, len);
	else
		f = source_read(r->arena, path, o->display_path, &d);
	const char *spec_real = NULL;
	if (!f)
		r->io_error = true;
	else {
		/* where the spec lies, for the policy's exceptions; text from
		 * standard input ("<stdin>") has no path and matches none */
		if (!dir)
			dir = spec_dir(r->arena, path);
		char *real = stagec_realpath(path, NULL);
		spec_real = real ? arena_strdup(r->arena, real) : NULL;
		free(real);
	}
	r->ok = f && compile(r, f, dir, spec_real, o, &d) && !diags_failed(&d);
	r->diagnostics = diags_render_text(&d);
	r->errors = d.errors;
	r->warnings = d.warnings;
	if (!r->ok) {
		free(r->output);
		free(r->dockerignore);
		r->output = r->dockerignore = NULL;
	}
	return r;
}

StagecResult *stagec_compile(const char *path, const StagecOptions *opts)
{
	return compile_source(path, NULL, NULL, 0, opts);
}

StagecResult *stagec_compile_text(const char *name, const char *dir, const char *text, size_t len,
				  const StagecOptions *opts)
{
	return compile_source(name, dir, text, len, opts);
}

bool stagec_result_ok(const StagecResult *r)
{
	return r && r->ok;
}

const char *stagec_result_output(const StagecResult *r)
{
	return r && r->output ? r->output : "";
}

const char *stagec_result_dockerignore(const StagecResult *r)
{
	return r && r->dockerignore ? r->dockerignore : "";
}

const char *stagec_result_context(const StagecResult *r)
{
	return r ? r->context : NULL;
}

const char *stagec_result_diagnostics(const StagecResult *r)
{
	return r && r->diagnostics ? r->diagnostics : "";
}

int stagec_result_error_count(const StagecResult *r)
{
	return r ? r->errors : 0;
}

int stagec_result_status(const StagecResult *r)
{
	if (!r || r->io_error || r->usage_error)
		return 2;
	return r->ok ? 0 : 1;
}

int stagec_result_warning_count(const StagecResult *r)
{
	return r ? r->warnings : 0;
}

const StagecRuleResult *stagec_result_rules(const StagecResult *r, size_t *ret_n)
{
	if (ret_n)
		*ret_n = r ? r->rules.n : 0;
	return r ? r->rules.v : NULL;
}

const char *stagec_result_lock(const StagecResult *r, const char **ret_hash)
{
	if (ret_hash)
		*ret_hash = r && r->lock ? r->lock->hash : "none";
	return r && r->lock ? r->lock->file->path : NULL;
}

const StagecImage *stagec_result_images(const StagecResult *r, size_t *ret_n)
{
	if (ret_n)
		*ret_n = r && r->images ? r->uses.n : 0;
	return r ? r->images : NULL;
}

const char *stagec_result_language(const StagecResult *r, const char **ret_default)
{
	if (ret_default)
		*ret_default = r ? r->template_default : NULL;
	return r ? r->language : NULL;
}

const char *const *stagec_result_policy_files(const StagecResult *r, size_t *ret_n)
{
	if (ret_n)
		*ret_n = r ? r->npolicy_files : 0;
	return r ? r->policy_files : NULL;
}

const char *stagec_result_name(const StagecResult *r, int *ret_line, int *ret_col)
{
	bool ok = r && r->ok;
	if (ret_line)
		*ret_line = ok ? r->name_line : 0;
	if (ret_col)
		*ret_col = ok ? r->name_col : 0;
	return ok ? r->name : NULL;
}

const StagecLabel *stagec_result_labels(const StagecResult *r, size_t *ret_n)
{
	bool ok = r && r->ok;
	if (ret_n)
		*ret_n = ok ? r->nlabels : 0;
	return ok ? r->labels : NULL;
}

const char *const *stagec_result_platforms(const StagecResult *r, size_t *ret_n)
{
	bool ok = r && r->ok;
	if (ret_n)
		*ret_n = ok ? r->nplatforms : 0;
	return ok ? r->platforms : NULL;
}

const StagecExplain *stagec_result_explain(const StagecResult *r)
{
	return r && r->ok ? r->explain : NULL;
}

const StagecResult *stagec_result_single(const StagecResult *r)
{
	return r && r->ok ? r->single : NULL;
}

void stagec_result_free(StagecResult *r)
{
	if (!r)
		return;
	if (r->single) {
		free(r->single->output);
		free(r->single->dockerignore);
		free(r->single->diagnostics);
		free(r->single);
	}
	free(r->output);
	free(r->dockerignore);
	free(r->diagnostics);
	arena_free(r->arena);
	free(r);
}
