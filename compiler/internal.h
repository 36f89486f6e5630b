/*
 * internal.h - the types and functions shared by stagec's phases.
 *
 * One section per source file, in pipeline order: memory (arena, strbuf),
 * source files and diagnostics, the YAML node tree, the typed spec, the
 * templates, the IR, the passes and the emitter.  Contracts sit beside the
 * declarations.  Everything a compilation allocates lives in one Arena that
 * is freed once at the end, so nothing here has a per-object destructor.
 */
#ifndef STAGEC_INTERNAL_H
#define STAGEC_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "stagec.h"

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* ---- arena.c ------------------------------------------------------------
 * A bump allocator.  Memory is zeroed.  Running out of memory aborts the
 * process: a compiler that cannot allocate a few kilobytes has no useful
 * way to go on. */
typedef struct Arena Arena;
Arena *arena_new(void);
void arena_free(Arena *a); /* accepts NULL */
void *arena_alloc(Arena *a, size_t size);
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
char *arena_vprintf(Arena *a, const char *fmt, va_list ap);
/* vsnprintf for the conversions stagec's formats use (format.c): the
 * length of the text, written into dst when it fits (cap bytes, NUL
 * included); -1 when fmt has a conversion it does not do (then nothing
 * is consumed that matters: use vsnprintf with a fresh va_list). */
int fmt_format(char *dst, size_t cap, const char *fmt, va_list ap);
#include "realpath.h"

/* ---- strbuf.c -----------------------------------------------------------
 * A growable string that owns its memory (malloc).  buf is always
 * NUL-terminated once anything was added. */
typedef struct Strbuf {
	char *buf;
	size_t len, cap;
} Strbuf;
#define STRBUF_INIT {0}
void strbuf_add(Strbuf *sb, const char *s, size_t n);
void strbuf_adds(Strbuf *sb, const char *s);
void strbuf_addc(Strbuf *sb, char c);
void strbuf_addf(Strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strbuf_reset(Strbuf *sb);
char *strbuf_detach(Strbuf *sb); /* hands the buffer over ("" when empty) */
void strbuf_release(Strbuf *sb);
const char *strbuf_str(const Strbuf *sb); /* "" when empty */

/* ---- strlist.c ----------------------------------------------------------
 * A growable list of arena strings. */
typedef struct StrList {
	const char **v;
	uint32_t n, cap; /* a list never outgrows the spec's node limit; small, as an IR holds many */
} StrList;
void strlist_push(Arena *a, StrList *l, const char *s);
bool strlist_contains(const StrList *l, const char *s);
void strlist_sort_unique(StrList *l);
void strlist_copy(Arena *a, StrList *dst, const StrList *src);
/* The items joined with sep ("a, b, c"), in the arena; "" when empty. */
const char *strlist_join(Arena *a, const StrList *l, const char *sep);

/* ---- sha256.c -----------------------------------------------------------
 * SHA-256 (FIPS 180-4), one-shot and incremental: line 2's hashes. */
typedef struct Sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t used;
} Sha256;
void sha256_init(Sha256 *s);
void sha256_update(Sha256 *s, const void *data, size_t n);
void sha256_hex(Sha256 *s, char out[65]);
void sha256_of(const void *data, size_t n, char out[65]);
/* On: this thread hashes with the portable code only (for a test that
 * compares it with the processor's SHA instructions). */
void sha256_portable(bool on);

/* ---- inputs.c -----------------------------------------------------------
 * Line 2 of every file stagec generates (a Dockerfile, a .dockerignore):
 *
 *   # stagec-inputs: stagec=0.1.0 options=multi spec:app.yaml=H
 *     policy:../.stagec/policy.yaml=H file:package.json=H
 *     template:node.yaml=H ... out=H
 *
 * (one line): what shaped the file, each input with its path relative to
 * the spec's folder (templates by their name in the template set) and the
 * first INPUT_HASH_LEN hex digits of the SHA-256 of its bytes; then the
 * hash of the file's own content without line 2.  A compilation records
 * its inputs as it reads them; the same line comes out of `stagec SPEC`,
 * `-o` and `stagec all`, so their files are byte-identical. */
#define INPUTS_MARK "# stagec-inputs: "
#define INPUT_HASH_LEN 12

typedef enum InputKind {
	INPUT_SPEC,     /* the spec */
	INPUT_POLICY,   /* each file of the policy chain, outermost first */
	INPUT_LOCK,     /* the lock file (stagec.lock): filled by the lock's reader */
	INPUT_FILE,     /* each project file read (package.json, pom.xml, Cargo.toml ...) */
	INPUT_TEMPLATE, /* each file of the template set read (python.yaml, bases.yaml ...) */
} InputKind;

typedef struct Input {
	InputKind kind;
	const char *path; /* escaped: no spaces, '=' or '%' */
	char hash[INPUT_HASH_LEN + 1];
	size_t order;
} Input;

typedef struct Inputs {
	Arena *a;
	const char *spec_dir; /* the real path of the spec's folder */
	const char *spec_dir_abs; /* the same made absolute, found when first needed */
	const char *root;     /* the folder holding .git above it, found when first needed */
	Input *v;
	size_t n, cap;
} Inputs;

void inputs_init(Inputs *in, Arena *a, const char *spec_dir_real);
/* Records an input named path (as it goes into the line); the first record
 * of a kind and path wins.  in may be NULL: nothing is recorded. */
void inputs_add(Inputs *in, InputKind kind, const char *path, const void *data, size_t len);
/* The hash line 2 gives data: the first INPUT_HASH_LEN hex digits of its SHA-256. */
void inputs_hash(const void *data, size_t len, char out[INPUT_HASH_LEN + 1]);
/* The same with the hash known already (INPUT_HASH_LEN hex digits). */
void inputs_add_hash(Inputs *in, InputKind kind, const char *path, const char *hash);
/* The same for a file at an absolute (or current-folder-relative) path,
 * named relative to the spec's folder. */
void inputs_add_file(Inputs *in, InputKind kind, const char *path, const void *data, size_t len);
/* The name inputs_add_file gives the file at path (not escaped yet). */
const char *inputs_file_name(Inputs *in, const char *path);
/* to: what from has recorded so far, to record more of its own. */
void inputs_copy(Inputs *to, const Inputs *from);
/* text (malloc'd, taken over) with line 2 inserted after its first line;
 * options: "multi" or "single", and ",base=NAME" when a flag chose it. */
char *inputs_stamp(const Inputs *in, const char *options, char *text);

/* For --check.  Line 2 of a generated file, or NULL when text has no such line. */
const char *inputs_line(const char *text);
/* Whether the content without line 2 no longer matches line 2's out=. */
bool inputs_edited(const char *text, const char *line2);
/* The inputs whose hashes differ between two drift lines, named as
 * "spec app.yaml, file package.json" (arena), or NULL when all agree. */
const char *inputs_changed(Arena *a, const char *was, const char *now);

/* ---- source.c -----------------------------------------------------------
 * A file read whole into memory, and a position in it. */
typedef struct SourceFile {
	const char *path; /* as shown to the user */
	const char *text; /* NUL-terminated; may contain other NULs (the reader rejects them) */
	size_t len;
} SourceFile;

/* 1-based line and column (columns count bytes).  file == NULL means
 * "no position" (e.g. a value that came from a default). */
typedef struct SrcPos {
	const SourceFile *file;
	int line, col;
} SrcPos;

#define SOURCE_MAX_BYTES STAGEC_MAX_SPEC_BYTES /* specs and templates larger than this are refused */

typedef struct Diags Diags;
/* Reads path into the arena.  On failure adds an error (with no position)
 * and returns NULL. */
SourceFile *source_read(Arena *a, const char *path, const char *display_path, Diags *d);
SourceFile *source_from_string(Arena *a, const char *display_path, const char *text, size_t len);
/* The length of the line break at p (before end): CR LF, LF, CR, NEL, LS
 * or PS, as YAML counts lines; 0 when p is not at one. */
size_t source_break_len(const char *p, const char *end);
/* The text of line (1-based) without its end of line; *len receives its length. */
const char *source_line(const SourceFile *f, int line, size_t *len);
/* The same, searching from p, the start of line l (earlier than line), so
 * that walking a file's lines in order costs one pass. */
const char *source_line_from(const SourceFile *f, const char *p, int l, int line, size_t *len);

/* ---- diag.c -------------------------------------------------------------
 * Diagnostics are collected, never printed, by library code. */
typedef enum DiagLevel { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagLevel;

typedef struct Diag {
	DiagLevel level;
	SrcPos pos;
	const char *msg;
	bool alone;      /* a note that stands alone rather than following another diagnostic */
	struct Diag *next;
} Diag;

struct Diags {
	Arena *arena;
	Diag *head, *tail;
	int errors, warnings;
	int max_errors; /* errors after this many are counted but not kept */
	bool werror;    /* warnings count as errors */
};
/* Bounds on what diagnostics can print, whatever --max-errors says: a
 * message is cut after DIAG_MSG_MAX bytes, a source excerpt shows at most
 * EXCERPT_MAX characters of its line, and rendering stops (with a note
 * saying how many errors were left out) once DIAG_RENDER_MAX bytes are
 * written. */
#define DIAG_MSG_MAX 1024
#define EXCERPT_MAX 160
#define DIAG_RENDER_MAX (4 * 1024 * 1024)
void diags_init(Diags *d, Arena *a, int max_errors, bool werror);
void diag_error(Diags *d, SrcPos pos, const char *fmt, ...) PRINTF_LIKE(3, 4);
void diag_warning(Diags *d, SrcPos pos, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* A note follows the diagnostic before it (e.g. "first defined here"). */
void diag_note(Diags *d, SrcPos pos, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* A note of its own, sorted by its position (a waived policy finding):
 * it neither fails the compilation nor counts as a warning. */
void diag_remark(Diags *d, SrcPos pos, const char *fmt, ...) PRINTF_LIKE(3, 4);
bool diags_failed(const Diags *d); /* errors, or warnings under werror */
/* Sorts the diagnostics by file and position, keeping notes with the
 * diagnostic they follow; a stable sort. */
void diags_sort(Diags *d);
/* Renders every diagnostic as
 *   path:line:col: error: message
 *      12 |   the source line
 *         |   ^
 * and, when errors were dropped, a last line saying how many. */
void diags_render(const Diags *d, Strbuf *out);
/* diags_sort, then diags_render into a malloc'd string (the caller frees it). */
char *diags_render_text(Diags *d);

/* The closest candidate to word within a small edit distance, or NULL. */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);
/* "unknown key 'K' in 'LEVEL' (did you mean 'N'?)", or the list of the
 * valid names when none is close; LEVEL "" is the top level. */
void diag_unknown_key(Diags *d, Arena *a, SrcPos pos, const char *key, const char *level,
		      const char *const *names, size_t n);

/* ---- yaml.c -------------------------------------------------------------
 * libyaml events -> a tree of nodes with positions.  The reader rejects
 * what no spec needs and what could hurt: duplicate keys, NUL bytes,
 * several documents, deep nesting and alias expansion past a bound.
 * Scalars keep their text exactly; typing is the spec reader's job. */
typedef enum YNodeKind { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP } YNodeKind;

typedef struct YNode YNode;
typedef struct YPair {
	YNode *key; /* always a scalar */
	YNode *value;
} YPair;

struct YNode {
	YNodeKind kind;
	SrcPos pos;   /* where the node starts */
	bool plain;   /* a plain (unquoted) scalar: "null", "true", "3.10" are still text here */
	bool is_null; /* a plain empty, "~" or "null" scalar */
	const char *str; /* scalar text, NUL-terminated */
	size_t len;
	YNode **items; /* sequence */
	YPair *pairs;  /* mapping, in source order */
	size_t n;
};

#define YAML_MAX_DEPTH 32
#define YAML_MAX_NODES 100000 /* nodes after alias expansion */
#define YAML_MAX_EXPANDED SOURCE_MAX_BYTES /* bytes of scalar text after alias expansion */
#define YAML_MAX_SCALAR (64 * 1024)

/* Returns the root node of the only document, or NULL after adding errors.
 * An empty document is an error. */
YNode *yaml_load(Arena *a, const SourceFile *f, Diags *d);
const char *ynode_kind_name(YNodeKind k); /* "a string", "a list", "a mapping" */
/* The value of key in a mapping, or NULL. */
YNode *ynode_get(const YNode *map, const char *key);

/* ---- spec.c -------------------------------------------------------------
 * The typed spec.  Every value keeps its position.  An absent string has
 * s == NULL and pos of its parent; an absent list has present == false. */
typedef struct SStr {
	const char *s;
	SrcPos pos;
} SStr;

typedef struct SList {
	SStr *v;
	size_t n;
	SrcPos pos;
	bool present;
} SList;

typedef struct SPair {
	SStr key, value;
} SPair;

typedef struct SMap {
	SPair *v;
	size_t n;
	SrcPos pos;
	bool present;
} SMap;

typedef struct SpecHealthcheck {
	bool present;
	SrcPos pos;
	SList command; /* exec form */
	SStr interval, timeout, start_period, retries;
} SpecHealthcheck;

/* build.artifacts: a path the final stage copies from the builder. */
typedef struct SArtifact {
	SStr from, to;
} SArtifact;

/* secrets: a build secret the dependency install reads, mounted by
 * RUN --mount=type=secret (never ARG, ENV or COPY). */
typedef struct SSecret {
	SStr id;        /* BuildKit's secret id: a name the template knows, or the spec's own */
	SStr target;    /* absolute path where the install finds it; s == NULL: the template's */
	bool required;  /* the build fails without it (default true) */
	SrcPos pos;     /* the item */
} SSecret;

typedef struct Spec {
	const SourceFile *file;
	const char *dir;      /* the spec's folder: the build context */
	SStr name;            /* default: the spec's folder name */
	SStr language;
	SStr version;         /* default: the template's default version */
	SStr base;            /* absent: the default base (bases.yaml) */
	SStr image_build, image_run;
	SStr family_build, family_run; /* images.build_family / run_family: for images no pattern knows */
	SStr source;          /* the app's folder relative to the spec's; default "." */
	SStr context;         /* context: the build context relative to the spec's folder,
				 "." or ".." steps ("../.."); s == NULL when absent */
	SStr program;         /* which program to build when the project has several; NULL: absent */
	SList manifests;      /* dependencies.manifest: a string or a list; default from the template */
	SList system;         /* dependencies.system: packages to build */
	SList runtime;        /* dependencies.runtime: packages at run time */
	SList build;          /* build (or build.commands): shell commands run in the builder */
	SMap build_env;       /* build.env: the builder's environment (ARG) */
	SArtifact *artifacts; /* build.artifacts: what a custom build leaves for the final stage */
	size_t nartifacts;
	SrcPos artifacts_pos;
	SList command;        /* run.command */
	SList entrypoint;     /* run.entrypoint */
	SList ports;          /* run.port: one or several, digits with an optional /tcp or /udp */
	SList setup;          /* run.setup: commands run as root in the final stage before USER */
	SStr user;            /* run.user; default: a created non-root user */
	SStr workdir;         /* run.workdir; default from the template */
	SMap env;             /* run.env */
	SpecHealthcheck healthcheck;
	SMap labels;          /* labels */
	SList dockerignore;   /* dockerignore: extra .dockerignore patterns */
	SStr caches;          /* caches: "true" or "false"; absent: true (BuildKit cache mounts) */
	SSecret *secrets;     /* secrets: what the install steps mount */
	size_t nsecrets;
	SrcPos secrets_pos;
	SList test;           /* test: shell commands of the test stage (docker build --target test) */
} Spec;

/* Builds a Spec from the document root; reports every problem it finds
 * (unknown keys with suggestions, wrong types, bad values).  Returns NULL
 * only when the root is not a mapping: a spec with errors is returned
 * (the caller checks the Diags) so that later checks can report theirs in
 * the same run.  dir is the spec's folder. */
Spec *spec_parse(Arena *a, const YNode *root, const SourceFile *f, const char *dir, Diags *d);
/* The keys the reader knows, as (level, key) with level "" for the top and
 * "run.healthcheck" for a nested mapping: from the tables that read them
 * (homes false) or from key_homes[], which says where a misplaced key
 * belongs (homes true).  Fills at most max; returns how many there are.
 * tests/docs compares them with specs/schema.md and app.schema.json. */
typedef struct SpecKey {
	const char *level, *key;
} SpecKey;
size_t spec_keys(SpecKey *out, size_t max, bool homes);

/* Grammars shared by the spec reader and the templates (validate.c). */
bool valid_package_name(const char *s); /* Debian package, optional =version */
bool valid_env_name(const char *s);
bool valid_mount_word(const char *s); /* a RUN --mount id, target or source */
bool valid_secret_id(const char *s);  /* a build secret's id: a short name */
bool valid_user_name(const char *s);    /* name, uid, name:group or uid:gid */
bool valid_port(const char *s);         /* 1-65535, optional /tcp or /udp */
bool valid_duration(const char *s);     /* 30s, 1m30s, 500ms */
bool valid_image_ref(const char *s);    /* name[:tag][@digest], no whitespace */
bool valid_app_name(const char *s);     /* lowercase image name */
bool valid_label_key(const char *s);
/* A relative path that stays inside the context: no "..", not absolute,
 * no control characters. */
bool valid_context_path(const char *s);
/* An absolute path in the image (WORKDIR): starts with '/', no "..",
 * the same characters as a context path. */
bool valid_abs_path(const char *s);
bool has_control_chars(const char *s);  /* any byte < 0x20 or 0x7f */

/* ---- template.c ---------------------------------------------------------
 * Language knowledge, read from templates/<language>.yaml.  Strings may
 * hold {version}, {name}, {workdir} and the flavour's vars; lowering
 * expands them. */

/* A BuildKit cache a step mounts (templates' and families' `caches:`):
 * target and id may hold {variables}. */
typedef struct TmplCache {
	const char *target;  /* absolute (after expansion) */
	const char *id;      /* NULL: BuildKit's default, the target */
	bool locked;         /* sharing: locked (one writer at a time: apt) */
	SrcPos pos;
} TmplCache;

typedef struct TmplCaches {
	TmplCache *v;
	size_t n;
} TmplCaches;
typedef struct TmplInstall {
	StrList when;        /* files that must all exist (or be named by the spec) for this rule */
	int if_build;        /* -1: always; 1: only when the app has a build; 0: only when not */
	StrList manifests;   /* what the install reads (a trailing '?': optional); empty: the template's */
	StrList commands;
	StrList after_build; /* commands run right after the build (e.g. dropping dev dependencies) */
	StrList build;       /* the build for projects this rule matches; empty: the template's */
	StrList run_cached;  /* the install commands when caches are mounted; empty: commands */
	TmplCaches caches;   /* what this rule's install and build mount, after the template's */
	StrList test_install; /* the test stage's install of what tests also need (dev dependencies) */
	SrcPos pos;
} TmplInstall;

/* Whether the builder may run on the build machine's CPU ($BUILDPLATFORM)
 * for `docker build --platform`: the first rule of a template's (or a
 * flavour's) `cross` list whose when_env pairs the builder's environment
 * holds decides.  Its why is one short sentence, kept in the IR. */
typedef struct TmplCross {
	StrList when_names, when_values; /* build_env pairs that must hold; empty: always */
	bool build_platform;             /* true: the builder runs on $BUILDPLATFORM */
	const char *why;
	StrList env_names, env_values;   /* the builder's ARGs when it does; values may use
					    BuildKit's platform variables ($TARGETARCH) */
	SrcPos pos;
} TmplCross;

/* A value read from the project's own files, usable as {name} in the
 * template (the binary's name from Cargo.toml, the jar's from pom.xml). */
typedef struct TmplProbe {
	const char *name;
	const char *file;  /* relative to the app's source folder */
	const char *kind;  /* "toml" (section.key), "xml" (an XPath) or "program" (project/program.c) */
	const char *key;
	const char *fallback; /* used when the file or value is missing; NULL: error */
	SrcPos pos;
} TmplProbe;

typedef struct TmplFlavour {
	const char *name;                    /* the base: "official", "debian", ... (bases.yaml) */
	const char *build_image, *run_image; /* may contain {version} */
	StrList versions;                    /* versions this flavour offers; empty: the template's */
	StrList build_packages;              /* toolchain: build-only */
	StrList runtime_packages;
	StrList apt_setup;                   /* commands run before the packages are installed, both stages */
	StrList artifacts, artifact_dests;   /* files of the build image the final stage copies (CA bundle) */
	StrList var_names, var_values;       /* extra {vars} */
	StrList env_names, env_values;       /* extra ENV for both stages */
	const char *run_user;                /* a non-root user the images already have; none is created */
	const char *init;                    /* PID 1 for the app: "tini" or "none"; NULL: the template's */
	TmplCross *cross;                    /* NULL: the template's rules */
	size_t ncross;
	SrcPos pos, build_packages_pos, runtime_packages_pos, env_pos, init_pos;
	SrcPos build_image_pos, run_image_pos; /* each image's own value, for explain */
} TmplFlavour;

typedef struct Template {
	const char *language;
	const SourceFile *file;
	StrList versions;
	const char *default_version;
	const char *workdir;      /* default WORKDIR */
	StrList manifests;        /* default manifests; a trailing '?' marks an optional one */
	StrList env_names, env_values; /* ENV for both stages (e.g. the venv on PATH) */
	StrList build_env_names, build_env_values; /* the builder's environment (ARG): CGO_ENABLED */
	TmplInstall *install;     /* dependency install rules; the first whose `when` holds wins */
	size_t ninstall;
	StrList install_produces; /* paths the install creates (e.g. /opt/venv) */
	StrList lockfiles;        /* one per package manager: two present is ambiguous unless the spec names one */
	StrList build;            /* default build commands, run when the spec has none */
	StrList build_produces;   /* paths the build creates (e.g. the binary) */
	StrList artifacts;        /* paths the final stage copies from the builder ... */
	StrList artifact_dests;   /* ... and where they go (parallel) */
	bool source_at_runtime;   /* the final stage needs the app's source */
	bool deps_required;       /* no manifest is an error (go.mod); otherwise no install */
	TmplProbe *probes;
	size_t nprobes;
	StrList default_command;  /* default run.command, exec form */
	const char *default_port; /* NULL: none */
	StrList dockerignore;     /* patterns the build context never needs */
	TmplCaches caches;        /* what every install and build step mounts (GOCACHE, Cargo's registry) */
	StrList test_files;       /* the tests' files: left out of the context unless the spec has test: */
	StrList secret_names, secret_targets; /* build secrets a spec may name: where the tools read them */
	SrcPos secrets_pos;
	TmplFlavour *flavours;    /* one per base the template supports */
	size_t nflavours;
	const char *init;         /* PID 1 for the app: "tini" (it ignores SIGTERM as PID 1) or NULL/"none" */
	SrcPos init_pos;
	TmplCross *cross;         /* cross-build rules; NULL: the builder never cross-builds */
	size_t ncross;
	/* workspace: how an app builds from a context above its folder (the
	 * spec's context:); absent: the language does not say, and context:
	 * is refused */
	bool has_workspace;
	StrList ws_root;          /* files at the context's root that make it a workspace root */
	StrList ws_members;       /* the app's own manifests the root's install also reads */
	bool ws_install;          /* false: no install layer at a workspace root (the build fetches) */
	StrList ws_when;          /* the install rules (by their `when` files) known to work at a
				     workspace root; empty: any */
	/* detect: how `stagec init` recognises a project of the language
	 * (compiler/init/detect.c); absent: init does not detect it */
	bool has_detect;
	StrList detect_markers;   /* the manifests (neither optional nor {variables}), then
				     detect.markers: paths, folders (a trailing /) or globs */
	int detect_rank;          /* 0 project, 1 tooling, 2 helper (TemplateDetectRank) */
	const char *detect_as;    /* found by this language's detection, whose reader chooses */
	SrcPos detect_pos;
	/* where things are in the template file, for dumps and diagnostics */
	SrcPos pos, workdir_pos, env_pos, build_env_pos, build_pos, command_pos, port_pos;
	SrcPos version_pos;       /* default_version (a lock that freezes another: the lock's line) */
} Template;

/* An image family (templates/families.yaml): what an image can do. */
typedef struct Family {
	const char *name;
	StrList match;          /* reference patterns */
	bool has_shell;
	StrList install;        /* commands installing {packages}; empty: no package manager */
	StrList add_user;       /* commands creating {user} with {uid}; empty: cannot */
	StrList user_names, user_uids; /* non-root users the images have */
	const char *run_user;   /* the default run-time user, one of user_names; NULL: none */
	bool named_users;       /* false: no /etc/passwd, users are numeric */
	bool tagged;            /* false: the reference has no tag (scratch) */
	bool runtime_libs;      /* the Debian runtime-library table applies */
	const char *libc;
	const char *init;       /* tini's path on this family */
	const char *init_static; /* where the tini package puts its static build (for shell-less images) */
	TmplCaches caches;      /* what a packages step mounts (apt's lists and archives) */
	StrList cached_install; /* install with those mounted; a family with caches has it */
	SrcPos pos;
} Family;

/* A base (templates/bases.yaml): an image set chosen with `base:`. */
typedef struct Base {
	const char *name;
	const char *about;
	bool exact_versions;    /* only the versions the flavour lists */
} Base;

/* Runtime libraries implied by build-only packages (libpq-dev -> libpq5). */
typedef struct RuntimeLib {
	const char *dev;
	StrList runtime;
} RuntimeLib;
typedef struct RuntimeLibs {
	RuntimeLib *v; /* sorted by dev */
	size_t n, cap;
} RuntimeLibs;
void runtime_libs_add(Arena *a, RuntimeLibs *l, const char *dev, const StrList *runtime);
/* Reads a runtime-libs.yaml into out (runtime_libs.c); false after errors
 * (not a mapping of libraries, or not sorted). */
bool runtime_libs_parse(Arena *a, const SourceFile *f, RuntimeLibs *out, Diags *d);

/* The built-in table, generated at build time from templates/runtime-libs.yaml
 * (runtime_libs_table.c, by tools/gen-runtime-libs-table.c): entries sorted
 * by dev; names are offsets into the pool, NUL-terminated; entry i's
 * runtime packages are names[first .. first + n). */
typedef struct BuiltinRuntimeLib {
	uint32_t dev, first, n;
} BuiltinRuntimeLib;
extern const char builtin_runtime_pool[];
extern const uint32_t builtin_runtime_names[];
extern const BuiltinRuntimeLib builtin_runtime_libs[];
extern const size_t builtin_runtime_libs_count;

/* family_for_image's answers, per image reference (image.c). */
typedef struct FamilyMemo {
	const char **refs;
	const struct Family **families;
	size_t n;
} FamilyMemo;

typedef struct Templates {
	const char *dir;        /* NULL: the built-in copies */
	StrList languages;      /* the languages there are templates for */
	Family *families;       /* in match order */
	size_t nfamilies;
	Base *bases;
	size_t nbases;
	const char *default_base;
	SrcPos default_base_pos;
	RuntimeLibs libs;       /* a --templates folder's table, read on first use */
	bool libs_loaded;       /* libs read, or the built-in table chosen */
	bool libs_builtin;      /* the built-in table applies (no folder's own) */
	StrList *builtin_libs;  /* the built-in entries handed out, one list each */
	const char *libs_hash;  /* the table's line-2 hash, once read */
	FamilyMemo *family_memo; /* which family an image reference is in */
	const struct YNode *dockerignore_yaml; /* dockerignore.yaml, parsed once by a cache; NULL: each time */
	Arena *arena;
	Diags *diags;
	Inputs *inputs;         /* records each file of the set read (template_source); NULL: none */
} Templates;

/* Opens the template set (built-in, or dir when not NULL).  Returns false
 * after adding errors. */
bool templates_open(Arena *a, Templates *t, const char *dir, Diags *d);
/* The same, recording every file of the set it reads, then or later, in inputs. */
bool templates_open_recording(Arena *a, Templates *t, const char *dir, Inputs *inputs, Diags *d);
const Base *base_named(const Templates *t, const char *name);
const TmplFlavour *template_flavour(const Template *t, const char *base);
/* Reads one language's template; NULL with errors added when it is broken,
 * NULL without errors when there is no such language. */
Template *template_load(Arena *a, const Templates *t, const char *language, Diags *d);
/* probe_read() (probe.c) is declared in project/project.h. */

/* The runtime packages that the -dev package dev implies, or NULL
 * (runtime_libs.c): from the built-in table, or from a --templates
 * folder's runtime-libs.yaml, read the first time a -dev package is asked
 * for; errors in it go to the templates' Diags. */
const StrList *runtime_libs_for(Templates *t, const char *dev);

/* ---- cache.c -------------------------------------------------------------
 * A StagecCache (stagec.h) keeps what loaded without diagnostics; with
 * c == NULL, or for what did not load cleanly, these load into a, with
 * d, as without a cache.  cache_templates opens into *own then.  The files
 * of the set a compilation would have read are recorded into its inputs
 * (line 2) all the same, cached or not. */
Templates *cache_templates(StagecCache *c, Arena *a, Templates *own, const char *dir, Inputs *inputs, Diags *d);
Template *cache_template(StagecCache *c, Arena *a, const Templates *ts, const char *language, Diags *d);

/* Built-in templates, compiled in from templates/ (embedded.c, generated). */
typedef struct EmbeddedFile {
	const char *name;
	const char *text;
	size_t len;
	const char *hash; /* its line-2 hash (INPUT_HASH_LEN hex digits), computed at build time */
} EmbeddedFile;
extern const EmbeddedFile embedded_templates[];
extern const size_t embedded_templates_count;
/* The node trees of the built-in template files, made at build time
 * (template_trees.c, by tools/gen-template-trees.c): nodes in preorder;
 * a collection's children are kids[first ..] (two per pair of a mapping);
 * str is an offset into pool, UINT32_MAX for none. */
typedef struct TreeNode {
	uint8_t kind, plain, is_null;
	uint32_t line, col, str, len, n, first;
} TreeNode;
typedef struct EmbeddedTree {
	const char *name;
	const TreeNode *nodes;
	const uint32_t *kids;
	const char *pool;
	size_t nnodes;
} EmbeddedTree;
extern const EmbeddedTree embedded_trees[];
extern const size_t embedded_trees_count;
/* A template file's tree (template_tree.c): built from the build-time data
 * when f holds a built-in file's bytes, else parsed with yaml_load. */
YNode *template_yaml(Arena *a, const SourceFile *f, Diags *d);
/* The build-time tree of f's bytes, or NULL (for tests). */
const EmbeddedTree *template_tree_of(const SourceFile *f);
/* The languages of the built-in templates, sorted and blank-separated
 * (a static string, built the first time; template.c). */
const char *template_builtin_languages(void);
/* A file of the template set: from the --templates folder when given (the
 * shared data files fall back to the built-in copies), else built in. */
const SourceFile *template_source(Arena *a, const Templates *t, const char *file, Diags *d);

/* ---- dockerignore.c -------------------------------------------------------
 * The .dockerignore lines (templates/dockerignore.yaml, the template, the
 * spec), and the check that none of them leaves out a path the Dockerfile
 * copies from the build context. */
typedef struct Ir Ir;
/* NULL when s is a pattern a spec may add, else what is wrong with it. */
const char *dockerignore_pattern_problem(const char *s);
/* Fills ir->dockerignore; false after adding errors. */
bool dockerignore_lower(Arena *a, Ir *ir, const Templates *ts, const Template *t, const Spec *s, Diags *d);
/* Reports each path a COPY takes from the build context that the lines
 * leave out.  Run on the final IR. */
void dockerignore_check(Arena *a, const Ir *ir, const Spec *s, Diags *d);
/* Whether Docker leaves path (relative to the context) out, given lines. */
bool dockerignore_excludes(Arena *a, const StrList *lines, const char *path);

/* ---- image.c ------------------------------------------------------------
 * Image references and the one pattern matcher (see the file's comment). */
const char *image_normalise(Arena *a, const char *ref);
/* The tag of a reference as the user wrote it (after the last ':' of its
 * last path segment), NULL when it has none; *bare: the reference without
 * it, for "pin a version (e.g. 'BARE:1.2')". */
const char *image_written_tag(Arena *a, const char *ref, const char **bare);
bool image_matches(Arena *a, const char *pattern, const char *ref);
/* The family of ref by the families' patterns, or NULL. */
const Family *family_for_image(const Templates *t, const char *ref);
const Family *family_named(const Templates *t, const char *name);
/* The uid of a user the family's images have, or NULL. */
const char *family_user_uid(const Family *f, const char *user);

/* ---- policy.c -----------------------------------------------------------
 * The organisation policy (.stagec/policy.yaml) read with its extends
 * chain into one effective Policy.  Rules are checked, never rewritten;
 * defaults and enforce are spec-shaped node trees merged around the spec
 * (policy_merge.c).  Everything lives in the compilation's arena. */
typedef enum RuleId {
	RULE_IMAGES_ALLOW,
	RULE_IMAGES_DENY_TAGS,
	RULE_DIGESTS_REQUIRED,
	RULE_RUN_NON_ROOT,
	RULE_RUN_HEALTHCHECK,
	RULE_LABELS_REQUIRED,
	RULE_PACKAGES_DENY,
	RULE_LANGUAGES,
	RULE_ENV_DENY_NAMES,
	RULE_LOCK_MAX_AGE,
	RULE_COUNT
} RuleId;

/* The rule a name (STG201 or run.non_root) stands for, or -1. */
int rule_by_name(const char *name);
extern const StagecRuleInfo rule_table[RULE_COUNT];

typedef struct PolicyLanguage {
	SStr name;
	SStr min; /* ">=3.11" without the ">="; s == NULL: any version */
} PolicyLanguage;

typedef struct PolicyException {
	SStr spec;            /* relative to base_dir */
	const char *base_dir; /* real path of the folder holding .stagec/ (or the policy file) */
	int rules[RULE_COUNT];
	size_t nrules;
	SStr reason, expires;
	long expires_day;     /* days since 1970-01-01 */
	SrcPos pos;
} PolicyException;

typedef struct Policy {
	const SourceFile **chain; /* the files, outermost first */
	size_t nchain;
	YNode **defaults;         /* outermost first */
	size_t ndefaults;
	YNode *enforce;           /* merged over the chain; NULL: none */
	bool active[RULE_COUNT];  /* the rules this policy evaluates */
	SrcPos rule_pos[RULE_COUNT]; /* where each rule was configured (last layer) */
	bool warning[RULE_COUNT]; /* severity warning instead of error */
	unsigned char severity_set[RULE_COUNT]; /* one file's own: 0 unset, 1 warning, 2 error */
	SrcPos severity_pos[RULE_COUNT];
	SList allow, deny_tags, labels_required, packages_deny, env_deny;
	bool non_root, healthcheck_required;
	bool digests_required;    /* rules.digests: required */
	long lock_max_age;        /* rules.lock.max_age, in days */
	PolicyLanguage *languages;
	size_t nlanguages;
	PolicyException *exceptions;
	size_t nexceptions;
} Policy;

/* Reads path (shown as display) and its parents.  Returns NULL after adding
 * positioned errors: a policy with errors is never applied. */
Policy *policy_load(Arena *a, const char *path, const char *display, Diags *d);
/* policy_load through a StagecCache (cache.c): each file read once a process. */
Policy *cache_policy(StagecCache *c, Arena *a, const char *path, Diags *d);
/* The built-in baseline: run.non_root, and images.deny_tags [latest] as a
 * warning (an image without a tag means latest). */
Policy *policy_baseline(Arena *a);
/* Folds layer (one file, read alone) into acc (its parents, merged),
 * adding an error for every way the layer loosens them (policy_extends.c). */
void policy_fold(Arena *a, Policy *acc, const Policy *layer, Diags *d);
/* Today as days since 1970-01-01, from SOURCE_DATE_EPOCH when set.
 * Returns false (and adds an error) when SOURCE_DATE_EPOCH is malformed. */
bool policy_today(Diags *d, long *ret_day);
/* YYYY-MM-DD -> days since 1970-01-01; false when not a real date. */
bool policy_parse_date(const char *s, long *ret_day);
/* Compares dotted numeric versions: <0, 0, >0; *ok false when one is not numeric. */
int policy_version_cmp(const char *a, const char *b, bool *ok);

/* ---- policy_merge.c -----------------------------------------------------
 * Node-tree merges.  Maps merge key by key, scalars and lists replace, and
 * every node keeps its position (a value from the policy points into the
 * policy file).  Nothing is modified in place: new nodes are made where
 * the trees meet. */
/* The spec over the policy's defaults: the spec wins; a null value in the
 * spec counts as unset. */
YNode *policy_merge_under(Arena *a, YNode *base, YNode *over);
/* enforce over the merged spec: enforce wins.  A scalar or list of the
 * spec file (spec != NULL) that enforce replaces with a different value
 * gets warning STG010 at the spec's position. */
YNode *policy_merge_over(Arena *a, YNode *base, YNode *over, const SourceFile *spec, Diags *d);
/* Whether two trees hold the same values (positions aside). */
bool ynode_equal(const YNode *x, const YNode *y);
/* A copy of map without key; the rest shared. */
YNode *ynode_without(Arena *a, const YNode *map, const char *key);
/* The one key of enforce that is no spec key: the platforms of the bake
 * file's targets (a list of os/arch[/variant]); never merged into a spec. */
#define POLICY_PLATFORMS "platforms"
/* Applies the layers: defaults (outermost first), the spec, enforce. */
YNode *policy_apply(Arena *a, const Policy *p, YNode *spec_root, const SourceFile *spec, Diags *d);
/* A value of the spec file that enforce replaced (the STG010 warning's
 * facts), for stagec explain. */
typedef struct PolicyOverride {
	const char *key;  /* run.user */
	const char *was;  /* the spec's value as the warning shows it ('root', a list) */
	SrcPos spec_pos, by; /* the spec's value, enforce's value */
} PolicyOverride;
typedef struct PolicyLog {
	PolicyOverride *v;
	size_t n, cap;
} PolicyLog;
/* policy_apply, recording each override into log (when not NULL). */
YNode *policy_apply_logged(Arena *a, const Policy *p, YNode *spec_root, const SourceFile *spec, Diags *d,
			   PolicyLog *log);

/* ---- mirror.c --------------------------------------------------------------
 * enforce.images.mirror: base images rewritten to a registry mirror after
 * the rules and before the lock (see the file's comment). */
typedef struct ImageRewrite {
	const char *from, *to; /* as the IR named it; as the FROM line will */
	SrcPos pos;            /* the mirror entry's value in the policy */
} ImageRewrite;
/* NULL when s is a registry host with an optional path, else what is wrong. */
const char *mirror_prefix_problem(const char *s);
/* Checks enforce.images.mirror (positioned errors); returns enforce
 * without it, for the spec reader. */
const YNode *mirror_check(Arena *a, const YNode *enforce, Diags *d);
/* enforce without images.mirror (and without images when nothing else is left). */
YNode *mirror_strip(Arena *a, const YNode *enforce);
/* ref as the mirror serves it, or NULL when no entry of enforce's mirror
 * applies; *ret_pos: the entry's position. */
const char *mirror_rewrite(Arena *a, const YNode *enforce, const char *ref, SrcPos *ret_pos);
/* Rewrites the stages' images; *ret receives each distinct rewrite, the
 * count is returned. */
size_t mirror_apply(Arena *a, const Policy *p, Ir *ir, ImageRewrite **ret);

/* ---- rules.c -------------------------------------------------------------
 * The rule table evaluated on the IRs of both variants. */
typedef struct RuleInput {
	const Policy *policy;
	const Spec *spec;
	const Template *tmpl;
	const char *spec_real;   /* the spec's real path, for exceptions; NULL: none match */
	long today;              /* days since 1970-01-01 */
	const struct Ir *irs[2]; /* multi-stage, single-stage; either may be NULL */
	const struct Lock *lock; /* the lock file, or NULL (none, or --lock=off) */
	bool lock_frozen;        /* --lock=frozen reports unlocked images itself */
} RuleInput;
typedef struct RuleResults {
	StagecRuleResult *v;
	size_t n, cap;
} RuleResults;
/* Evaluates every active rule; findings go to d (errors, warnings, notes
 * for waived ones, each tagged [STGnnn slug]) and to out, each once. */
void rules_evaluate(Arena *a, const RuleInput *in, Diags *d, RuleResults *out);

/* ---- ir.c ---------------------------------------------------------------
 * Stages of typed steps.  Lowering builds one stage holding the whole
 * program in order; passes move, merge and split steps.  Every step knows
 * its role: needed to build, needed at run time, or both. */
typedef enum StepKind {
	STEP_PACKAGES,   /* args: Debian packages */
	STEP_COPY,       /* args: sources; value: destination; from: stage or NULL (context) */
	STEP_RUN,        /* args: shell commands, run joined with && */
	STEP_ENV,        /* keys, values: merged ENV lines */
	STEP_WORKDIR,    /* value */
	STEP_USER,       /* value */
	STEP_EXPOSE,     /* value: port */
	STEP_HEALTHCHECK,/* args: exec form; opts: --interval=.. etc. */
	STEP_CMD,        /* args: exec form */
	STEP_ENTRYPOINT, /* args: exec form */
	STEP_LABEL,      /* keys, values */
	STEP_ARG,        /* keys, values: build-time environment (ARG), never in the image's config;
			    one key and no values: a declaration of a BuildKit platform ARG */
	STEP_ADDUSER,    /* value: user, uid: its uid; written with the stage family's add_user */
} StepKind;

typedef enum StepRole {
	ROLE_BUILD = 1,   /* only needed to build: stays in a builder */
	ROLE_RUNTIME = 2, /* only needed at run time: goes to the final stage */
	ROLE_BOTH = 3,
} StepRole;

/* What a step is for, so passes can find it without parsing commands. */
typedef enum StepTag {
	TAG_NONE,
	TAG_MANIFEST,   /* COPY of dependency manifests */
	TAG_SOURCE,     /* COPY of the app source */
	TAG_INSTALL,    /* dependency install; needs the manifests */
	TAG_BUILD,      /* build commands; need the whole source */
	TAG_ARTIFACT,   /* COPY --from of something a builder produced */
	TAG_CROSS,      /* an ARG of the cross-build's target (cross.c): the builder's alone */
} StepTag;

/* A BuildKit mount on a RUN (RUN --mount=...): a cache that outlives the
 * build of one image but never ends up in it, a build secret, or a bind of
 * the context.  Typed, so that passes know what a step reads and that
 * nothing it leaves in a cache reaches the final stage. */
typedef enum MountKind {
	MOUNT_CACHE,  /* type=cache,target=T[,id=ID][,sharing=locked] */
	MOUNT_SECRET, /* type=secret,id=ID,target=T[,required] */
	MOUNT_BIND,   /* type=bind,source=S,target=T */
} MountKind;

typedef struct Mount {
	MountKind kind;
	const char *target; /* absolute path in the build container */
	const char *id;     /* cache or secret id; NULL: BuildKit's default (the target) */
	const char *source; /* bind: a path of the context */
	bool locked;        /* cache: sharing=locked (apt's lists and archives) */
	bool required;      /* secret: the build fails when it is not given */
	SrcPos pos;         /* where it was declared (template or spec) */
} Mount;

typedef struct Step {
	StepKind kind;
	StepRole role;
	StepTag tag;
	SrcPos pos;        /* the spec (or template) value it came from */
	const char *why;   /* one line: why the step exists and is where it is, for dumps, the
			      Dockerfile's comments and `stagec explain`; a pass that moves or
			      merges steps rewrites or joins it (ir_why_join) */
	StrList args;
	StrList opts;      /* healthcheck options, as --name=value */
	StrList keys, values; /* ENV and LABEL pairs */
	bool trusted;      /* values come from a template: $VAR may expand */
	const char *value;
	const char *uid;   /* ADDUSER */
	const char *from;  /* COPY --from */
	StrList needs;     /* context paths a RUN reads */
	StrList produces;  /* absolute paths a RUN creates */
	bool rebuilds_source; /* a build that may change the app's folder (the workdir) */
	Mount *mounts;     /* RUN, packages and adduser steps: --mount flags, in order */
	uint32_t nmounts;
	struct Step *prev, *next;
} Step;

typedef struct Stage {
	const char *name;  /* NULL for an unnamed final stage */
	const char *image; /* a reference, or with from_stage an earlier stage's name */
	const char *platform; /* FROM --platform=: NULL, or CROSS_BUILD_PLATFORM for a builder that
				 runs on the build machine's CPU (never the final stage) */
	const char *why;   /* one line: why it runs on that CPU (cross.c), after what the stage is for
			      (the split; lowering in the single-stage variant); NULL: no reason given */
	bool from_stage;   /* FROM an earlier stage (the test stage): no image to pin or judge */
	const Family *family;
	struct Stage *prev, *next;
	Step *first, *last;
} Stage;

/* Something the final stage copies from the builder. */
typedef struct Artifact {
	const char *from, *to;  /* absolute paths */
	bool of_image;          /* a file of the build image itself (the CA bundle): no step makes it */
	SrcPos pos;             /* where it was declared */
} Artifact;

typedef struct Ir {
	Arena *arena;
	Stage *first, *last;
	/* What lowering knew, for the passes and the emitter. */
	const char *name;        /* the app's name (spec or folder) */
	const char *build_image, *run_image;
	SrcPos build_image_pos, run_image_pos; /* the value each came from: spec, policy or flavour */
	const char *version;     /* the language's version */
	SrcPos version_pos;      /* where it came from: the spec's version, or the template's default */
	const Family *build_family, *run_family;
	const char *workdir;
	const char *source_dir;  /* the app's folder in the context ("." by default) */
	const char *context;     /* the spec's context: ("../.."), or NULL: the spec's folder */
	const char *image_root;  /* with context: the image's folder that holds the context
				    (workdir is the app's folder inside it); NULL otherwise */
	Artifact *artifacts;     /* what the final stage copies from the builder */
	size_t nartifacts;
	bool source_at_runtime;
	bool caches;             /* package-manager and compiler caches are cache mounts (spec caches:) */
	StrList dockerignore;    /* patterns for .dockerignore */
	size_t dockerignore_secrets; /* how many of them, at the end, are secrets */
	bool cross;              /* the builder runs on $BUILDPLATFORM (cross.c); the split says so */
	Mount *secrets;          /* the spec's build secrets, as the install steps mount them */
	uint32_t nsecrets;
	StrList test;            /* test: the test stage's commands; empty: no test stage */
	SrcPos test_pos;
	StrList test_install;    /* what the test stage installs first (the install rule's test_install) */
	Step *test_source;       /* the source COPY, for a test stage on a builder that has none */
} Ir;

Ir *ir_new(Arena *a);
Stage *ir_stage_append(Ir *ir, const char *name, const char *image, const Family *family);
void ir_add_artifact(Ir *ir, const char *from, const char *to, bool of_image, SrcPos pos);
/* The artifact copied from path, or NULL. */
const Artifact *ir_artifact(const Ir *ir, const char *from);
void ir_stage_remove(Ir *ir, Stage *s);
Step *ir_step_new(Ir *ir, StepKind kind, StepRole role, SrcPos pos, const char *why);
void ir_step_append(Stage *s, Step *step);
void ir_step_insert_before(Stage *s, Step *before, Step *step); /* before == NULL appends */
void ir_step_unlink(Stage *s, Step *step);
Step *ir_step_clone(Ir *ir, const Step *src);
/* Two reasons as one: "a; b", or a when b is NULL or one of a's "; " parts. */
const char *ir_why_join(Ir *ir, const char *a, const char *b);
/* Adds a copy of *m to the step's mounts (an identical one is not added twice). */
void ir_step_add_mount(Ir *ir, Step *st, const Mount *m);
const char *ir_mount_kind_name(MountKind k);
/* Whether the absolute path is dir or lies below it. */
bool path_within(const char *path, const char *dir);
const char *ir_step_kind_name(StepKind k);
const char *ir_role_name(StepRole r);
/* The stable text form of the IR, one line per stage and step. */
void ir_dump(const Ir *ir, Strbuf *out);
/* Checks the invariants every pass must keep; returns NULL or a message
 * naming the first broken one (a bug in stagec, not in the spec). */
const char *ir_check(const Ir *ir);

/* ---- lower.c ------------------------------------------------------------
 * Spec + template -> one stage holding the whole program, in the order a
 * person would write it naively (source copied, then deps installed, then
 * built, then run-time configuration).  The passes make it good. */
typedef struct LowerInput {
	const Spec *spec;
	const Template *tmpl;
	const Templates *templates; /* the image families and bases */
	const char *base;           /* a base of bases.yaml, after overrides */
	bool single_stage;          /* the run-time steps run on the build image */
	Inputs *inputs;             /* records the project files read; NULL: none */
	struct Project *project;    /* shared by a spec's lowerings: zeroed, the first sets it up (in
				     * its arena, which must outlive the others); NULL: one of its own */
} LowerInput;
Ir *lower_spec(Arena *a, const LowerInput *in, Diags *d);
/* Only the base's flavour and the version: for a spec with errors, so
 * that one run reports these too.  Returns false after adding errors. */
bool lower_check_flavour(Arena *a, const LowerInput *in, Diags *d);

/* ---- cross.c ------------------------------------------------------------
 * Cross-builds: whether the builder runs on $BUILDPLATFORM (see the file's
 * comment). */
#define CROSS_BUILD_PLATFORM "$BUILDPLATFORM"
#define CROSS_WHY_MAX 100 /* a why is one short sentence */
/* Whether name is one of the platform ARGs BuildKit sets (TARGETARCH ...). */
bool cross_platform_arg(const char *name);
/* NULL when v may be a cross rule's env value (text and BuildKit's
 * platform variables), else what is wrong with it. */
const char *cross_value_problem(const char *v);
/* Adds to out each platform ARG text refers to ($TARGETARCH, ${TARGETOS}). */
void cross_platform_refs(Arena *a, const char *text, StrList *out);
/* Decides for the one stage lowering built (after its build env, build
 * and artifacts): sets s->why, and when the builder cross-builds,
 * ir->cross and the ARGs before the build step. */
void cross_lower(Arena *a, Ir *ir, Stage *s, const Template *t, const TmplFlavour *fl, bool single_stage);
/* A copy of the builder's cross-build ARG st (TAG_CROSS) for a stage that
 * builds for the builder's own CPU (the test stage): each $TARGETx it
 * declares or uses becomes $BUILDx.  BuildKit hands a stage's ARGs on to
 * the stages FROM it, so the test stage must say so. */
Step *cross_native_arg(Ir *ir, const Step *st);

/* ---- passes -------------------------------------------------------------
 * Each pass is one file, pass_<name>.c.  A pass returns 0, or -1 after
 * adding errors. */
typedef struct PassCtx {
	Arena *arena;
	Diags *diags;
	Templates *templates;
	bool single_stage;
} PassCtx;

typedef int (*PassFn)(Ir *ir, PassCtx *ctx);
typedef struct Pass {
	const char *name;
	PassFn run;
	bool multi_stage_only; /* skipped with --single-stage */
} Pass;
extern const Pass stagec_passes[];
extern const size_t stagec_npasses;

int pass_closure(Ir *ir, PassCtx *ctx);
int pass_cache_order(Ir *ir, PassCtx *ctx);
int pass_split(Ir *ir, PassCtx *ctx);
int pass_packages(Ir *ir, PassCtx *ctx);
int pass_merge(Ir *ir, PassCtx *ctx);
int pass_prune(Ir *ir, PassCtx *ctx);
int pass_test(Ir *ir, PassCtx *ctx);

/* ---- emit.c -------------------------------------------------------------
 * IR -> Dockerfile text.  Deterministic.  Every value is quoted or escaped
 * so that it stays one argument of one instruction. */
typedef struct EmitInfo {
	const char *spec_path; /* named in the header comment */
	const char *app_name;
	bool single_stage;
	bool comments;         /* each stage and step preceded by its reason (--no-comments: false) */
} EmitInfo;
/* The longest text of a reason's comment line, and of a path in the
 * header; longer ones are cut (emit.c: emit_comment_text). */
#define EMIT_COMMENT_MAX 240
#define EMIT_PATH_MAX 4096
void emit_dockerfile(const Ir *ir, const EmitInfo *info, Strbuf *out);
void emit_dockerignore(const Ir *ir, const EmitInfo *info, Strbuf *out);
/* BuildKit reads a Dockerfile with Go's bufio.Scanner and refuses a line
 * longer than this ("dockerfile line greater than max allowed size"). */
#define DOCKERFILE_LINE_MAX 65535
/* Adds an error, at the step's position, for every step whose text would
 * hold a line longer than DOCKERFILE_LINE_MAX; false when there was one. */
bool emit_check_line_length(const Ir *ir, const Spec *spec, Diags *d);
/* Exported for tests: a JSON string literal, and a double-quoted
 * Dockerfile word with $, " and \ escaped. */
void emit_json_string(Strbuf *out, const char *s);
void emit_json_array(Strbuf *out, const StrList *l); /* ["a", "b"] */
void emit_quoted_word(Strbuf *out, const char *s, bool allow_vars);

/* ---- explain.c --------------------------------------------------------------
 * stagec explain's data (StagecExplain), read from what the merges kept:
 * positions in the lowered and the final IR, the policy's override log,
 * the mirror's rewrites. */
typedef struct ExplainCtx ExplainCtx;
typedef struct ExplainFacts {
	const char *base;        /* the base lowering used */
	bool base_flag;          /* --base chose it */
	SrcPos default_base_pos; /* bases.yaml's default, when nothing else chose it */
} ExplainFacts;
ExplainCtx *explain_begin(Arena *a, const Spec *spec, const Policy *policy, const PolicyLog *log,
			  const SourceFile *lock, const char *templates_dir, bool single_stage);
/* The effective values, from the IR as lowering left it (before any pass). */
void explain_values(ExplainCtx *c, const ExplainFacts *f, const Ir *ir);
/* The mirror's rewrites of the images' values. */
void explain_rewrites(ExplainCtx *c, const ImageRewrite *rw, size_t n);
/* The placement of the final IR's steps; returns the whole explanation. */
const StagecExplain *explain_finish(ExplainCtx *c, const Ir *ir);

/* ---- discover.c -------------------------------------------------------------
 * The nearest NAME walking up from the spec's folder to the folder holding
 * .git (or the root): malloc'd, relative to the current folder when below
 * it; NULL when there is none.  The policy's and the lock's discovery. */
char *discover_upward(const char *spec_path, const char *name);

#endif
