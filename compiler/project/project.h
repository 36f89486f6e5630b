/*
 * project.h - reading the project's own files (compiler/project/).
 *
 * Templates need facts that only the project knows: which program to
 * build (Go main packages, Cargo [[bin]] targets, the .csproj), names
 * (Cargo's package, Maven's artifactId), and the local paths a manifest
 * installs from (requirements.txt's ./pkg, package.json's file:).  Every
 * project file is read through one safe open, project_read(): nothing is
 * followed out of the build context, only regular files are read, and each
 * kind of file has a size cap.  The readers on top keep positions, so a
 * problem in a project file is reported at its line and column there.
 *
 * Ownership: everything lives in the Project's arena, except the jansson
 * values of project_json(), which the caller releases with json_decref().
 * Library code: errors are added to the Diags, never printed.
 */
#ifndef STAGEC_PROJECT_H
#define STAGEC_PROJECT_H

#include <jansson.h>

#include "internal.h"

/* ---- read.c --------------------------------------------------------------
 * The one safe reader.  Size caps per kind (bytes):
 *   PROJECT_TEXT, PROJECT_TOML, PROJECT_JSON  1 MiB  (manifests people write)
 *   PROJECT_XML                               4 MiB  (pom.xml, .csproj grow larger)
 *   PROJECT_HEAD                              64 KiB, and a longer file is
 *       not an error: only its head is read (a Go file's package clause). */
typedef enum ProjectKind { PROJECT_TEXT, PROJECT_TOML, PROJECT_JSON, PROJECT_XML, PROJECT_HEAD } ProjectKind;

#define PROJECT_TEXT_MAX (1024 * 1024)
#define PROJECT_XML_MAX (4 * 1024 * 1024)
#define PROJECT_HEAD_MAX (64 * 1024)

typedef enum ProjectStatus {
	PROJECT_OK,
	PROJECT_MISSING, /* no such file: no diagnostic, the caller decides */
	PROJECT_FAILED,  /* an error was added */
} ProjectStatus;

/* One file read (read.c keeps them in a list): each is read, parsed and
 * complained about once. */
typedef struct ProjectEntry {
	const char *rel;
	int status;            /* a ProjectStatus, or -1 before the read */
	const SourceFile *file;
	bool toml_done;
	const struct TomlValue *toml;
	bool parse_failed;     /* a reader already reported it malformed */
	const char *input_name; /* as line 2 names it (inputs_file_name), once recorded */
	char input_hash[INPUT_HASH_LEN + 1];
	struct ProjectEntry *next;
} ProjectEntry;

typedef struct Project {
	Arena *a;
	Diags *d;
	const char *context_real; /* realpath of the build context (the spec's folder) */
	const char *display_dir;  /* the context as the user names it: "." or "examples/rust" */
	SStr program;             /* the spec's `program:`; s == NULL when absent */
	ProjectEntry *cache;      /* each file is read (and complained about) once */
	bool cargo_done;          /* program.c: Cargo.toml's binary, chosen once */
	const void *cargo;
	Inputs *inputs;           /* records each whole file read (not PROJECT_HEAD: a source file
				   * probed for one fact is no input of its own); NULL: none */
} Project;

/* The folders a walk over projects never enters (`stagec all`, `stagec
 * init --recursive`): one list, in read.c.  NULL-terminated. */
extern const char *const project_skipped_dirs[];

/* Sets up p for the context dir (the spec's folder); false when dir cannot
 * be resolved (no diagnostic: lowering reports paths itself). */
bool project_init(Project *p, Arena *a, Diags *d, const char *dir, const char *display_dir);
/* The path the user knows: display_dir + "/" + rel ("Cargo.toml" in "."). */
const char *project_display(const Project *p, const char *rel);
/* Reads rel (relative to the context) whole.  The file must resolve inside
 * the context (a symlink that stays inside is fine), be a regular file and
 * be within its kind's cap.  Errors are at blame (the spec or template
 * value that led here) and say what to do.  On PROJECT_OK, *ret is a
 * SourceFile whose path is project_display(rel); the same file is read once
 * per Project. */
ProjectStatus project_read(Project *p, const char *rel, ProjectKind kind, SrcPos blame, const SourceFile **ret);
/* The cache entry of rel (made when missing). */
ProjectEntry *project_entry(Project *p, const char *rel);
/* Resolves rel inside the context: 0, ENOENT when missing, EXDEV when it
 * leads outside; *ret_is_dir tells a folder.  No diagnostic. */
int project_resolve(const Project *p, const char *rel, bool *ret_is_dir);
/* The names in folder rel (sorted, without . and ..), when rel resolves
 * inside the context; false otherwise.  No diagnostic. */
bool project_list_dir(Project *p, const char *rel, StrList *ret);

/* ---- toml.c ---------------------------------------------------------------
 * A TOML 1.0 reader that keeps positions: tables, [[arrays of tables]],
 * dotted keys, basic and literal strings (multi-line too), integers,
 * booleans, arrays and inline tables.  Floats and date-times are checked
 * loosely and kept as text (TOML_OTHER): no template needs their value. */
typedef enum TomlKind { TOML_STRING, TOML_INTEGER, TOML_BOOLEAN, TOML_OTHER, TOML_ARRAY, TOML_TABLE } TomlKind;

typedef struct TomlValue TomlValue;
typedef struct TomlPair {
	const char *key;
	SrcPos pos; /* of the key */
	TomlValue *value;
} TomlPair;

struct TomlValue {
	TomlKind kind;
	SrcPos pos;       /* where the value (or the [table] header) starts */
	const char *str;  /* TOML_STRING: the decoded text; TOML_OTHER: the literal */
	size_t len;
	long long integer;
	bool boolean;
	TomlValue **items; /* TOML_ARRAY */
	TomlPair *pairs;   /* TOML_TABLE, in source order */
	size_t n, cap;
	/* reader state */
	unsigned char how;     /* how a table came to be (toml.c) */
	bool array_of_tables;
	size_t *index, index_cap; /* hash of pair indices, for large tables */
};

/* Parses f; returns the root table, or NULL after one positioned error. */
TomlValue *toml_parse(Arena *a, const SourceFile *f, Diags *d);
const TomlValue *toml_get(const TomlValue *table, const char *key); /* NULL when absent */
/* "package.name": keys split at dots; NULL when a step is absent or not a table. */
const TomlValue *toml_path(const TomlValue *root, const char *dotted);
/* Reads and parses rel through project_read (cached): PROJECT_OK with *ret. */
ProjectStatus project_toml(Project *p, const char *rel, SrcPos blame, const TomlValue **ret);

/* ---- json.c --------------------------------------------------------------- */
/* Parses f with jansson (the last of duplicate keys wins); NULL after an error at
 * jansson's line and column. */
json_t *project_json(const SourceFile *f, Diags *d);
/* Where "key" (and, when value is not NULL, the string value after it)
 * first appears in f: jansson keeps no positions, so errors about a value
 * point at the line the text is on. */
SrcPos json_pos(const SourceFile *f, const char *key, const char *value);

/* ---- xml.c ----------------------------------------------------------------
 * libxml2 over the bytes project_read() returned: no network, no DTD
 * loading, no entity substitution.  The document is the caller's to free
 * (xmlFreeDoc); NULL after an error at libxml2's line and column. */
struct _xmlDoc;
struct _xmlDoc *project_xml(const SourceFile *f, Diags *d);
/* Reads rel through project_read() and parses it; a file already found
 * malformed is PROJECT_FAILED without a second diagnostic. */
ProjectStatus project_xml_read(Project *p, const char *rel, SrcPos blame, struct _xmlDoc **ret);

/* ---- program.c ------------------------------------------------------------
 * What to build, read from the project.  which is one of
 *   "go-main"         "." or "./cmd/NAME": the main package (root, cmd/NAME)
 *   "cargo-bin"       the Cargo binary: [[bin]] name, else [package] name
 *   "cargo-bin-path"  that binary's main source file (src/main.rs ...)
 *   "cargo-bin-dir"   that file's folder ("src", or ".")
 *   "dotnet-project"  the .csproj in the app's folder
 * When there are several, the spec's `program:` chooses; without it, a
 * positioned error lists them.  src is the app's folder in the context.
 * Returns NULL after an error; *ret_unknown is set when which is none of
 * these. */
const char *project_program(Project *p, const char *src, const char *which, SrcPos blame, bool *ret_unknown);
/* The Go main packages in src: "." and "cmd/NAME" folders holding a .go
 * file (not _test.go) whose package clause says main, sorted. */
bool project_go_mains(Project *p, const char *src, SrcPos blame, StrList *ret);

/* ---- paths.c --------------------------------------------------------------
 * Local paths a manifest installs from: requirements*.txt (./pkg, -e,
 * -r/-c files, file:), package.json (file:, link:), go.mod (replace =>
 * ./dir), Cargo.toml (path = ...), composer.json (path repositories),
 * Gemfile (path:, :path =>).  manifest is relative to the context; the
 * paths must stay inside root (the app's folder, relative to the context)
 * and are pushed to ret relative to root, folders ending in a slash.
 * A path that leaves the context, is absolute, is missing or has
 * characters stagec will not COPY is an error at its place in the
 * manifest.  Returns false after errors; manifests of other kinds have no
 * local paths. */
/* A context-relative folder without "./" in front and "/" behind: "a/b/"
 * and "./a" are "a/b" and "a"; "." is "". */
const char *project_plain_rel(Arena *a, const char *path);
bool project_local_paths(Project *p, const char *root, const char *manifest, SrcPos blame, StrList *ret);

/* ---- probe.c --------------------------------------------------------------
 * A template probe's value (a {variable}) read from the project's files;
 * NULL after an error.  source_dir is the app's folder in the context;
 * blame is where the spec asks for the app (its language). */
const char *probe_read(Project *p, const TmplProbe *probe, const char *source_dir, SrcPos blame);

#endif
