/*
 * detect.c - which language a folder holds, from its marker files.
 *
 * The detection table is data: each template's `detect:` key (its
 * manifests are markers, detect.markers adds the others, and rank says
 * what a marker means; templates/README.md), in the templates' order.
 * Markers of a project-rank language name the project outright; a second
 * one is an ambiguity (exit 1, --language chooses).  A tooling marker
 * (package.json) beside one of them is taken as front-end tooling, and a
 * helper (CMakeLists.txt, Makefile) as a build helper: each is named in a
 * note, so the choice is never silent.
 * The language's reader (lang_*.c) then reads everything else.  The shared
 * helpers of the readers are here too: presence of files, reading through
 * project_read(), provenance ("pom.xml:28 (java.version)"), YAML quoting,
 * and the version rule (a plain version as given, a range mapped to the
 * highest version the template knows, or an error naming the file, the
 * line and the known versions).
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "xmllib.h" /* libxml2, loaded when XML is first read */

#include "init/init.h"

/* The reader of each language whose template's detect: has markers (a
 * language with `detect: {as: X}` is read by X's reader, which chooses
 * between them): the only place init names languages in C. */
typedef struct Reader {
	const char *language;
	bool (*read)(Init *in);
} Reader;

static const Reader readers[] = {
	{"dotnet", init_read_dotnet}, {"java", init_read_java}, {"go", init_read_go},
	{"rust", init_read_rust},     {"php", init_read_php},   {"ruby", init_read_ruby},
	{"python", init_read_python}, {"node", init_read_node}, {"c", init_read_c},
};

/* A language init detects, from its template's detect: key. */
typedef struct Row {
	const char *language;       /* what --language names */
	int rank;                   /* 0 project, 1 tooling, 2 helper */
	const StrList *markers;     /* relative paths, folders (a trailing /), or globs */
	bool (*read)(Init *in);
	bool alias;                 /* found by another row's detection (detect: as:) */
} Row;

/* The rows, in the templates' order; NULL after an error (a template that
 * does not load, a language with markers and no reader). */
static Row *load_rows(Init *in, size_t *ret_n)
{
	if (!in->ts_open) {
		if (!templates_open(in->a, &in->ts, in->o->templates_dir, in->d))
			return NULL;
		in->ts_open = true;
	}
	const StrList *langs = &in->ts.languages;
	Row *rows = arena_alloc(in->a, (langs->n + 1) * sizeof(*rows));
	const Template **ts = arena_alloc(in->a, (langs->n + 1) * sizeof(*ts));
	size_t n = 0;
	for (size_t i = 0; i < langs->n; i++) {
		const Template *t = template_load(in->a, &in->ts, langs->v[i], in->d);
		if (!t)
			return NULL;
		if (!t->has_detect)
			continue;
		ts[n] = t;
		rows[n++] = (Row){.language = t->language, .rank = t->detect_rank, .markers = &t->detect_markers};
	}
	for (size_t r = 0; r < n; r++) {
		const char *by = ts[r]->detect_as ? ts[r]->detect_as : rows[r].language;
		for (size_t j = 0; j < n; j++)
			if (ts[r]->detect_as && strcmp(rows[j].language, by) == 0) {
				rows[r].rank = rows[j].rank;
				rows[r].markers = rows[j].markers;
				rows[r].alias = true;
			}
		for (size_t k = 0; k < sizeof(readers) / sizeof(readers[0]); k++)
			if (strcmp(readers[k].language, by) == 0)
				rows[r].read = readers[k].read;
		if (!rows[r].read || (ts[r]->detect_as && !rows[r].alias)) {
			diag_error(in->d, ts[r]->detect_pos, "stagec init has no reader for '%s' projects; leave "
							     "out 'detect', or name a language it reads with 'as'", by);
			return NULL;
		}
	}
	*ret_n = n;
	return rows;
}

/* ---- the helpers the readers share ---------------------------------------- */

bool init_has(Init *in, const char *rel)
{
	bool is_dir;
	int err = project_resolve(&in->p, rel, &is_dir);
	return (err == 0 && !is_dir) || err == EXDEV;
}

bool init_has_dir(Init *in, const char *rel)
{
	bool is_dir;
	return project_resolve(&in->p, rel, &is_dir) == 0 && is_dir;
}

const SourceFile *init_read(Init *in, const char *rel, ProjectKind kind)
{
	const SourceFile *f;
	return project_read(&in->p, rel, kind, (SrcPos){0}, &f) == PROJECT_OK ? f : NULL;
}

int init_line_of(const SourceFile *f, const char *at)
{
	int line = 1;
	for (const char *p = f->text; p < at && p < f->text + f->len; p++)
		line += *p == '\n';
	return line;
}

const char *init_from(Init *in, const SourceFile *f, int line, const char *what)
{
	const char *path = f->path;
	size_t n = strlen(in->p.display_dir);
	if (strcmp(in->p.display_dir, ".") != 0 && strncmp(path, in->p.display_dir, n) == 0 && path[n] == '/')
		path += n + 1;
	const char *slash = strrchr(path, '/');
	if (what && strcmp(what, slash ? slash + 1 : path) == 0)
		what = NULL; /* "from .nvmrc:1", not "from .nvmrc:1 (.nvmrc)" */
	if (line > 0)
		return arena_printf(in->a, "from %s:%d%s%s%s", path, line, what ? " (" : "", what ? what : "", what ? ")" : "");
	return arena_printf(in->a, "from %s%s%s%s", path, what ? " (" : "", what ? what : "", what ? ")" : "");
}

void init_set(InitValue *v, const char *yaml, const char *from)
{
	v->yaml = yaml;
	v->from = from;
	v->commented = false;
}

static bool plain_scalar(const char *s)
{
	if (!*s || strlen(s) > 200)
		return false;
	size_t n = strlen(s);
	if (!isalpha((unsigned char)*s) && *s != '/' && *s != '.' && *s != '_' &&
	    !(s[0] == '-' && (s[1] == '-' || isalpha((unsigned char)s[1]))))
		return false; /* numbers stay text only when quoted */
	if (s[n - 1] == ' ' || strstr(s, " #") || strstr(s, "  "))
		return false;
	static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._/-+= ", *p))
			return false;
	return true;
}

const char *init_yaml_str(Arena *a, const char *s)
{
	if (plain_scalar(s))
		return s;
	Strbuf sb = STRBUF_INIT;
	strbuf_addc(&sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addf(&sb, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(&sb, "\\x%02x", *p);
		else
			strbuf_addc(&sb, (char)*p);
	}
	strbuf_addc(&sb, '"');
	const char *out = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

const char *init_yaml_list(Arena *a, const StrList *l)
{
	Strbuf sb = STRBUF_INIT;
	strbuf_addc(&sb, '[');
	for (size_t i = 0; i < l->n; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", init_yaml_str(a, l->v[i]));
	strbuf_addc(&sb, ']');
	const char *out = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 128 || !(islower((unsigned char)*s) || isdigit((unsigned char)*s)))
		return false;
	for (const char *p = s; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && !strchr("._-", *p))
			return false;
	return true;
}

void init_set_name(Init *in, const char *raw, const char *from)
{
	const char *slash = strrchr(raw, '/');
	char *name = arena_strdup(in->a, slash ? slash + 1 : raw);
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (valid_name(name))
		init_set(&in->s->name, name, from);
	else
		diag_remark(in->d, (SrcPos){0}, "'%s' (%s) is not a valid spec name; the spec takes the folder's "
						"name, or set 'name:'", raw, from);
}

const Template *init_template(Init *in)
{
	if (in->t && strcmp(in->t->language, in->s->language) == 0)
		return in->t;
	if (!in->ts_open) {
		if (!templates_open(in->a, &in->ts, in->o->templates_dir, in->d))
			return NULL;
		in->ts_open = true;
	}
	in->t = template_load(in->a, &in->ts, in->s->language, in->d);
	return in->t;
}

void init_lockfiles(Init *in, StrList *ret)
{
	const Template *t = init_template(in);
	for (size_t i = 0; t && i < t->lockfiles.n; i++)
		if (init_has(in, t->lockfiles.v[i]))
			strlist_push(in->a, ret, t->lockfiles.v[i]);
}

bool init_set_version(Init *in, const char *text, SrcPos pos, const char *what, InitRangeStyle style)
{
	if (in->o->version)
		return true;
	while (*text == ' ' || *text == '\t')
		text++;
	size_t n = strlen(text);
	while (n && strchr(" \t\r\n", text[n - 1]))
		n--;
	text = arena_strndup(in->a, text, n);
	const char *from = pos.file ? init_from(in, pos.file, pos.line, what) : what;
	if (init_version_plain(text)) {
		init_set(&in->s->version, init_yaml_str(in->a, text[0] == 'v' || text[0] == 'V' ? text + 1 : text), from);
		return true;
	}
	const Template *t = init_template(in);
	if (!t)
		return true;
	bool bad;
	const char *best = init_range_best(text, &t->versions, style, &bad);
	if (bad) {
		diag_error(in->d, pos, "cannot read %s '%s' as a version or a version range; choose the "
				       "version with --version", what, text);
	} else if (!best) {
		diag_error(in->d, pos, "%s '%s' allows none of the %s versions stagec knows (%s); choose one "
				       "with --version", what, text, in->s->language,
			   strlist_join(in->a, &t->versions, ", "));
	} else {
		init_set(&in->s->version, init_yaml_str(in->a, best),
			 arena_printf(in->a, "%s: '%s', the highest version stagec knows in it", from, text));
	}
	return true;
}

ProjectStatus init_xml_read(Project *p, const char *rel, struct _xmlDoc **ret)
{
	ProjectStatus st = project_xml_read(p, rel, (SrcPos){0}, ret);
	if (st != PROJECT_OK || !(*ret)->intSubset)
		return st;
	const SourceFile *f;
	project_read(p, rel, PROJECT_XML, (SrcPos){0}, &f);
	const char *at = strstr(f->text, "<!DOCTYPE");
	SrcPos pos = {f, at ? init_line_of(f, at) : 1, 1};
	diag_error(p->d, pos, "'%s' has a DOCTYPE, which stagec does not read (its entities could read other "
			      "files); remove it", f->path);
	xmlFreeDoc(*ret);
	*ret = NULL;
	return PROJECT_FAILED;
}

int init_scan_port(const SourceFile *f, const char *const *needles, int *ret_line)
{
	int best_line = 0, best = 0;
	for (const char *const *nd = needles; *nd; nd++) {
		size_t nl = strlen(*nd);
		for (const char *p = f->text; (p = strstr(p, *nd)); p += nl) {
			const char *q = p + nl;
			while (*q == ' ' || *q == '"' || *q == '\'' || *q == '`')
				q++;
			if (strncmp(q, "0.0.0.0", 7) == 0)
				q += 7;
			if (*q == ':')
				q++;
			long v = 0;
			int digits = 0;
			while (isdigit((unsigned char)*q) && digits < 6)
				v = v * 10 + (*q++ - '0'), digits++;
			if (digits < 2 || digits > 5 || v < 1 || v > 65535 || isalnum((unsigned char)*q))
				continue;
			int line = init_line_of(f, p);
			if (!best_line || line < best_line) {
				best_line = line;
				best = (int)v;
			}
			break;
		}
	}
	*ret_line = best_line;
	return best;
}

static int scan_tree(Init *in, const char *dir, const char *const *exts, const char *const *needles,
		     const char *what, const char **ret_from, int depth, int *budget)
{
	StrList names = {0};
	if (depth > 6 || !project_list_dir(&in->p, dir, &names))
		return 0;
	for (size_t i = 0; i < names.n && *budget > 0; i++) {
		const char *n = names.v[i];
		const char *rel = strcmp(dir, ".") == 0 ? n : arena_printf(in->a, "%s/%s", dir, n);
		bool skip = n[0] == '.';
		for (const char *const *s = project_skipped_dirs; *s && !skip; s++)
			skip = strcmp(*s, n) == 0;
		if (skip)
			continue;
		struct stat st; /* symlinked folders are not walked (a link to its parent would loop) */
		if (init_has_dir(in, rel) && lstat(arena_printf(in->a, "%s/%s", in->p.context_real, rel), &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			(*budget)--;
			int port = scan_tree(in, rel, exts, needles, what, ret_from, depth + 1, budget);
			if (port)
				return port;
			continue;
		}
		bool match = false;
		for (const char *const *e = exts; *e && !match; e++) {
			size_t nl = strlen(n), el = strlen(*e);
			match = nl > el && strcmp(n + nl - el, *e) == 0;
		}
		if (!match)
			continue;
		(*budget)--;
		const SourceFile *f = init_read(in, rel, PROJECT_HEAD);
		int line, port = f ? init_scan_port(f, needles, &line) : 0;
		if (port) {
			*ret_from = init_from(in, f, line, what);
			return port;
		}
	}
	return 0;
}

int init_scan_tree(Init *in, const char *dir, const char *const *exts, const char *const *needles, const char *what,
		   const char **ret_from)
{
	int budget = 200;
	return scan_tree(in, dir, exts, needles, what, ret_from, 0, &budget);
}

/* ---- the table ------------------------------------------------------------ */

/* The first marker of row r present in the folder, or NULL. */
static const char *marker_of(Init *in, const Row *r, const StrList *names)
{
	for (size_t m = 0; m < r->markers->n; m++) {
		const char *mk = r->markers->v[m];
		size_t mn = strlen(mk);
		if (mk[mn - 1] == '/') {
			if (init_has_dir(in, arena_strndup(in->a, mk, mn - 1)))
				return mk;
			continue;
		}
		if (!strchr(mk, '*')) {
			if (init_has(in, mk))
				return mk;
			continue;
		}
		const char *slash = strchr(mk, '/');
		if (slash) {
			StrList sub = {0};
			const char *dir = arena_strndup(in->a, mk, (size_t)(slash - mk));
			if (!project_list_dir(&in->p, dir, &sub))
				continue;
			for (size_t i = 0; i < sub.n; i++)
				if (fnmatch(slash + 1, sub.v[i], 0) == 0)
					return arena_printf(in->a, "%s/%s", dir, sub.v[i]);
			continue;
		}
		for (size_t i = 0; i < names->n; i++)
			if (fnmatch(mk, names->v[i], 0) == 0 && init_has(in, names->v[i]))
				return names->v[i];
	}
	return NULL;
}

static const char *looked_for(Init *in, const Row *rows, size_t n)
{
	StrList l = {0};
	for (size_t r = 0; r < n; r++)
		for (size_t m = 0; m < rows[r].markers->n; m++)
			if (!strlist_contains(&l, rows[r].markers->v[m]))
				strlist_push(in->a, &l, rows[r].markers->v[m]);
	return strlist_join(in->a, &l, ", ");
}

static const Row *choose(Init *in, const char *shown, const char **ret_marker)
{
	size_t n = 0;
	const Row *rows = load_rows(in, &n);
	if (!rows)
		return NULL;
	StrList names = {0};
	project_list_dir(&in->p, ".", &names);
	const char **found = arena_alloc(in->a, (n + 1) * sizeof(*found));
	for (size_t r = 0; r < n; r++)
		found[r] = marker_of(in, &rows[r], &names);
	if (in->o->language) {
		const Row *r = NULL;
		for (size_t i = 0; i < n && !r; i++)
			if (strcmp(rows[i].language, in->o->language) == 0)
				r = &rows[i];
		if (!r) {
			StrList l = {0};
			for (size_t i = 0; i < n; i++)
				strlist_push(in->a, &l, rows[i].language);
			diag_error(in->d, (SrcPos){0}, "--language '%s' is not a language stagec knows; choose "
						       "one of %s", in->o->language, strlist_join(in->a, &l, ", "));
			return NULL;
		}
		if (!found[r - rows]) {
			diag_error(in->d, (SrcPos){0}, "%s: no %s project here: looked for %s", shown, r->language,
				   strlist_join(in->a, r->markers, ", "));
			return NULL;
		}
		*ret_marker = found[r - rows];
		return r;
	}
	for (int rank = 0; rank <= 2; rank++) {
		StrList langs = {0}, marks = {0};
		const Row *pick = NULL;
		for (size_t r = 0; r < n; r++) {
			if (rows[r].rank != rank || !found[r] || rows[r].alias)
				continue;
			if (!pick)
				pick = &rows[r];
			strlist_push(in->a, &langs, rows[r].language);
			strlist_push(in->a, &marks, arena_printf(in->a, "%s (%s)", found[r], rows[r].language));
		}
		if (langs.n > 1) {
			diag_error(in->d, (SrcPos){0}, "%s: projects of several languages are here: %s; choose one "
						       "with --language %s", shown, strlist_join(in->a, &marks, ", "),
				   strlist_join(in->a, &langs, "|"));
			return NULL;
		}
		if (!pick)
			continue;
		for (size_t r = 0; r < n; r++) {
			if (rows[r].rank <= rank || !found[r] || rows[r].alias)
				continue;
			diag_remark(in->d, (SrcPos){0}, "%s is also here: taken as %s of the %s project; "
							"'--language %s' chooses it instead", found[r],
				    rows[r].rank == 1 ? "front-end tooling" : "a build helper", pick->language,
				    rows[r].language);
		}
		*ret_marker = found[pick - rows];
		return pick;
	}
	diag_error(in->d, (SrcPos){0}, "%s: no project stagec knows: looked for %s; name the language with "
				       "--language", shown, looked_for(in, rows, n));
	return NULL;
}

bool init_detect(Arena *a, Diags *d, const char *dir, const char *shown, const InitOptions *o, InitSpec *ret)
{
	*ret = (InitSpec){0};
	Init in = {.a = a, .d = d, .o = o, .s = ret};
	size_t sn = strlen(shown);
	while (sn > 1 && shown[sn - 1] == '/')
		sn--;
	shown = arena_strndup(a, shown, sn);
	if (!project_init(&in.p, a, d, dir, shown)) {
		diag_error(d, (SrcPos){0}, "%s: cannot open the folder", shown);
		return false;
	}
	char *copy = arena_strdup(a, in.p.context_real);
	in.folder = arena_strdup(a, basename(copy));
	const char *marker = NULL;
	const Row *row = choose(&in, shown, &marker);
	if (!row)
		return false;
	ret->language = row->language;
	ret->language_v.from = arena_printf(a, "from %s", marker);
	int errors = d->errors;
	if (!row->read(&in) || d->errors > errors) {
		if (d->errors == errors) /* a marker of the template's detect: the reader does not read */
			diag_error(d, (SrcPos){0}, "%s: %s marks a %s project, but stagec init reads nothing "
						   "more from it; add the project's files, or write app.yaml by hand",
				   shown, marker, row->language);
		return false;
	}
	/* the flags win over everything read */
	if (o->version)
		init_set(&ret->version, init_yaml_str(a, o->version), "--version");
	if (o->port)
		init_set(&ret->port, o->port, "--port");
	if (o->command) {
		StrList words = {0};
		char *c = arena_strdup(a, o->command);
		for (char *w = strtok(c, " \t"); w; w = strtok(NULL, " \t"))
			strlist_push(a, &words, w);
		init_set(&ret->command, init_yaml_list(a, &words), "--command");
	}
	if (o->base)
		init_set(&ret->base, init_yaml_str(a, o->base), "--base");
	init_set(&ret->language_v, ret->language, ret->language_v.from);
	return true;
}
