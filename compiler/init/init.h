/*
 * init.h - `stagec init`: a spec written from the files a project already
 * has (compiler/init/).
 *
 * detect.c picks the language from marker files (the table there), refuses
 * when the choice is ambiguous, and hands the folder to the language's
 * reader in lang_*.c (their shared helpers in facts.c), which reads the version, the name, the package
 * manager, the command and the port from the project's own files through
 * compiler/project/ (one safe open; XML, JSON, TOML readers).  version.c
 * maps a version range to the highest version the language's template
 * knows.  render.c writes the spec, every value with the file and line it
 * came from.  workspace.c finds the deployable members of a workspace for
 * --recursive.  Library code: problems are added to the Diags, nothing is
 * printed; everything lives in the caller's Arena.
 */
#ifndef STAGEC_INIT_H
#define STAGEC_INIT_H

#include "internal.h"
#include "project/project.h"

/* What the user chose on the command line; NULL: detect it. */
typedef struct InitOptions {
	const char *language, *version, *port, *command, *package_manager, *project, *program, *base;
	const char *templates_dir;
} InitOptions;

/* One value of the spec and where it came from. */
typedef struct InitValue {
	const char *yaml;  /* the value as YAML ("\"17\"", "[node, server.js]"); NULL: not set */
	const char *from;  /* "pom.xml:28 (java.version)", "--version"; NULL: nothing */
	bool commented;    /* written as a comment: nothing in the project states it */
} InitValue;

typedef struct InitSpec {
	const char *language;
	const char *summary;   /* "maven", "npm", "poetry": what the message after writing names */
	InitValue name, language_v, version, base, source, context, program, manifest, build, build_image, command, port;
} InitSpec;

/* The project in dir (shown in messages as shown).  Returns false after
 * errors in d: no known project, an ambiguous one, a file that cannot be
 * read, a version range nothing satisfies. */
bool init_detect(Arena *a, Diags *d, const char *dir, const char *shown, const InitOptions *o, InitSpec *ret);

/* The text of app.yaml. */
const char *init_render(Arena *a, const InitSpec *s);

typedef enum InitRangeStyle { RANGE_NPM, RANGE_PEP440, RANGE_COMPOSER, RANGE_GEM } InitRangeStyle;

/* ---- shared by detect.c and the readers ------------------------------------- */
typedef struct Init {
	Arena *a;
	Diags *d;
	Project p;             /* display_dir: the folder as the user named it */
	const InitOptions *o;
	InitSpec *s;
	Templates ts;
	bool ts_open;
	const Template *t;     /* s->language's template, loaded by init_set_version */
	const char *folder;    /* the folder's own name (the default spec name) */
} Init;

/* A file (or something that is not a folder) at rel: a symlink out, a
 * FIFO count, so that reading it reports them. */
bool init_has(Init *in, const char *rel);
bool init_has_dir(Init *in, const char *rel);
/* rel read through project_read (kind), NULL when missing or after an error. */
const SourceFile *init_read(Init *in, const char *rel, ProjectKind kind);
/* "rel:LINE (what)" for the comment of a value read at line of f. */
const char *init_from(Init *in, const SourceFile *f, int line, const char *what);
/* The line of f holding at (a pointer into f->text). */
int init_line_of(const SourceFile *f, const char *at);
void init_set(InitValue *v, const char *yaml, const char *from);
/* YAML text of a scalar (quoted when it has to be) and of a flow list. */
const char *init_yaml_str(Arena *a, const char *s);
const char *init_yaml_list(Arena *a, const StrList *l);
/* The spec's name from raw (an artifactId, "@scope/pkg", "vendor/pkg"):
 * the last part, lowercased; left out when it is not a valid name. */
void init_set_name(Init *in, const char *raw, const char *from);
/* s->language's template (loaded once); NULL after an error. */
const Template *init_template(Init *in);
/* The lockfiles of the template's `lockfiles` list present in the folder:
 * the list lowering refuses two of (lower.c check_lockfiles). */
void init_lockfiles(Init *in, StrList *ret);
/* The version, from text at pos: a plain version as given, a range
 * mapped to the highest the template knows.  Returns true when the
 * version is settled (set, given by --version, or an error added). */
bool init_set_version(Init *in, const char *text, SrcPos pos, const char *what, InitRangeStyle style);
/* project_xml_read(), and a DOCTYPE refused at its line: no pom.xml or
 * .csproj needs one, and its entity declarations are how XML reads files
 * it should not (libxml2 leaves them unexpanded; init says so instead of
 * writing a spec with a value missing). */
ProjectStatus init_xml_read(Project *p, const char *rel, struct _xmlDoc **ret);
/* The first port number after one of needles in f; 0 when none. */
int init_scan_port(const SourceFile *f, const char *const *needles, int *ret_line);

/* The first port after one of needles in the files below dir whose names
 * end in one of exts (sorted walk, at most 6 levels and 200 files, the
 * skipped folders left out); 0 when none.  *ret_from: "FILE:LINE (what)". */
int init_scan_tree(Init *in, const char *dir, const char *const *exts, const char *const *needles, const char *what,
		   const char **ret_from);

/* ---- facts.c: what the language readers share ------------------------------ */
#define NOPOS ((SrcPos){0})
struct _xmlNode;
const char *init_shown(Init *in);                  /* the folder as the user named it */
StrList init_words(Arena *a, const char *first, ...); /* a list of the words up to NULL */
void init_set_list(Init *in, InitValue *v, StrList l, const char *from);
/* A commented line: what the template would do, and why nothing is written
 * (never over a value set). */
void init_set_comment(InitValue *v, const char *yaml, const char *why);
void init_no_port(Init *in);
/* The port a listen call in the files below dir names (init_scan_tree),
 * else a commented line. */
void init_port_from_sources(Init *in, const char *dir, const char *const *exts, const char *const *needles);
const char *init_trim(Arena *a, const char *s, size_t n);
/* The first line of f that is not blank or a # comment; *ret_line its number. */
const char *init_first_line(Init *in, const SourceFile *f, int *ret_line);
/* The rest of the first line starting with word (after blanks); *ret_line. */
const char *init_line_after(Init *in, const SourceFile *f, const char *word, int *ret_line);
/* The quoted string ("..." or '...') after at on its line, or NULL. */
const char *init_quoted_after(Init *in, const char *at);
/* .tool-versions' line for tool ("nodejs 20.1.0") as the version. */
bool init_tool_versions(Init *in, const char *tool, const char *what);
/* A file holding only a version (.nvmrc, .python-version), strip removed
 * from its front; true when it settled the version (or failed to read). */
bool init_version_file(Init *in, const char *rel, const char *strip, InitRangeStyle style);
const char *init_file_ext(const char *name); /* ".csproj", or "" */
bool init_is_test_name(const char *s);       /* "Api.Tests", "tests" */
bool init_skipped(const char *name);         /* a folder no project file is looked for in */
struct _xmlNode *init_xchild(struct _xmlNode *n, const char *name); /* the first child element named so */
const char *init_xtext(Init *in, struct _xmlNode *n);               /* its trimmed text, NULL when empty */
const char *init_xfrom(Init *in, const SourceFile *f, struct _xmlNode *n, const char *what);

/* lang_*.c: one reader per row of detect.c's table; each sets s->language
 * and what it finds, and returns false after errors. */
bool init_read_dotnet(Init *in);
bool init_read_java(Init *in);
bool init_read_go(Init *in);
bool init_read_rust(Init *in);
bool init_read_php(Init *in);
bool init_read_ruby(Init *in);
bool init_read_python(Init *in);
bool init_read_node(Init *in);
bool init_read_c(Init *in);

/* ---- version.c ------------------------------------------------------------
 * Version constraints as the package managers write them: npm and Poetry
 * (^, ~, x-ranges, "a - b", ||), PEP 440 (~=, ==3.*, commas), Composer
 * (^, ~ as ~>, ||) and RubyGems (~>).  A known version ("3.12", what a
 * template lists) stands for its newest patch release, which its image
 * tag carries. */
/* Whether text is one plain version ("17", "3.11.6", "v20.1.0"): written as given. */
bool init_version_plain(const char *text);
/* 1 when range allows known, 0 when not, -1 when range cannot be read. */
int init_range_allows(const char *range, const char *known, InitRangeStyle style);
/* The highest of known (numeric versions only) that range allows; NULL
 * when none does (*ret_bad set when range cannot be read). */
const char *init_range_best(const char *range, const StrList *known, InitRangeStyle style, bool *ret_bad);

/* ---- workspace.c ----------------------------------------------------------
 * The folders below dir (relative paths, sorted) that hold a deployable
 * project of a workspace: npm/yarn/pnpm workspaces, Cargo members with a
 * binary, Go cmd/NAME folders of a module or go.work members, Maven
 * modules that are not pom aggregators.  Skipped folders: the same list
 * as `stagec all`.  Returns false after errors. */
/* The deployable members of the workspace in dir, sorted, in ret; and,
 * aligned with them, the context: each needs ("../..", or "" for its own
 * folder) in ret_context and the comment saying why in ret_from. */
bool init_workspace(Arena *a, Diags *d, const char *dir, const char *shown, StrList *ret, StrList *ret_context,
		    StrList *ret_from);

#endif
