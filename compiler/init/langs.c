/*
 * langs.c - what each language's own files say: the version, the name, the
 * package manager, the command and the port.
 *
 * One reader per row of detect.c's table.  Each reads only the project's
 * files, through project_read() and the XML, JSON and TOML readers, never
 * the host's toolchain, and records with every value the file and line it
 * came from.  The version sources are tried in the order each reader lists
 * (the first one found wins); a command or a port is written only when a
 * file or the framework names it (Spring Boot and ASP.NET serve on 8080,
 * gunicorn and uvicorn as written here on 8000, Rails on 3000, a listen()
 * call in the entry file), else it is left as a commented line.
 * Ambiguities (two lockfiles, several project files, several binaries)
 * are errors that name the flag that chooses.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "init/init.h"

#define NOPOS ((SrcPos){0})

static const char *shown(Init *in)
{
	return in->p.display_dir;
}

static StrList words(Arena *a, const char *first, ...)
{
	StrList l = {0};
	va_list ap;
	va_start(ap, first);
	for (const char *w = first; w; w = va_arg(ap, const char *))
		strlist_push(a, &l, w);
	va_end(ap);
	return l;
}

static void set_list(Init *in, InitValue *v, StrList l, const char *from)
{
	init_set(v, init_yaml_list(in->a, &l), from);
}

/* A commented line: what the template would do, and why nothing is written. */
static void set_comment(InitValue *v, const char *yaml, const char *why)
{
	if (v->yaml && !v->commented)
		return;
	v->yaml = yaml;
	v->from = why;
	v->commented = true;
}

static void no_port(Init *in)
{
	set_comment(&in->s->port, "", "nothing in the project names a port");
}

static const char *const JAVA_EXTS[] = {".java", ".kt", NULL};
static const char *const JAVA_PORT[] = {"InetSocketAddress(", NULL};
static const char *const C_EXTS[] = {".c", ".cc", ".cpp", ".cxx", NULL};
static const char *const C_PORT[] = {"htons(", NULL};
static const char *const PY_EXTS[] = {".py", NULL};
static const char *const PY_PORT[] = {"(\"0.0.0.0\", ", "('0.0.0.0', ", "port=", NULL};
static const char *const RB_EXTS[] = {".rb", NULL};
static const char *const RB_PORT[] = {"\"PORT\", \"", "'PORT', '", "port: ", NULL};

/* The port a listen call in the sources names, else a commented line. */
static void scan_port(Init *in, const char *dir, const char *const *exts, const char *const *needles)
{
	const char *from;
	int port = init_scan_tree(in, dir, exts, needles, "the listen address", &from);
	if (port)
		init_set(&in->s->port, arena_printf(in->a, "%d", port), from);
	else
		no_port(in);
}

static const char *trim(Arena *a, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

/* The first line of f that is not blank or a comment (#); *ret_line its number. */
static const char *first_line(Init *in, const SourceFile *f, int *ret_line)
{
	int line = 1;
	for (const char *p = f->text; *p; line++) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *t = trim(in->a, p, n);
		if (*t && *t != '#') {
			*ret_line = line;
			return t;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return NULL;
}

/* The rest of the first line of f that starts with word (after blanks); *ret_line. */
static const char *line_after(Init *in, const SourceFile *f, const char *word, int *ret_line)
{
	size_t wn = strlen(word);
	int line = 1;
	for (const char *p = f->text; *p; line++) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *q = p;
		while (q < p + n && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(p + n - q) >= wn && strncmp(q, word, wn) == 0) {
			*ret_line = line;
			return trim(in->a, q + wn, (size_t)(p + n - q - wn));
		}
		if (!e)
			break;
		p = e + 1;
	}
	return NULL;
}

/* The quoted string after at in f ("..." or '...'), or NULL. */
static const char *quoted_after(Init *in, const char *at)
{
	const char *q = at;
	while (*q && *q != '"' && *q != '\'' && *q != '\n')
		q++;
	if (*q != '"' && *q != '\'')
		return NULL;
	const char *e = strchr(q + 1, *q);
	return e ? arena_strndup(in->a, q + 1, (size_t)(e - q - 1)) : NULL;
}

/* .tool-versions: "nodejs 20.1.0" */
static bool tool_versions(Init *in, const char *tool, const char *what)
{
	const SourceFile *f = init_has(in, ".tool-versions") ? init_read(in, ".tool-versions", PROJECT_TEXT) : NULL;
	int line;
	const char *v = f ? line_after(in, f, arena_printf(in->a, "%s ", tool), &line) : NULL;
	if (!v)
		return false;
	const char *sp = strchr(v, ' ');
	return init_set_version(in, sp ? arena_strndup(in->a, v, (size_t)(sp - v)) : v, (SrcPos){f, line, 1}, what,
				RANGE_NPM);
}

/* A file holding only a version (.nvmrc, .python-version, .ruby-version). */
static bool version_file(Init *in, const char *rel, const char *strip, InitRangeStyle style)
{
	if (!init_has(in, rel))
		return false;
	const SourceFile *f = init_read(in, rel, PROJECT_TEXT);
	int line = 1;
	const char *v = f ? first_line(in, f, &line) : NULL;
	if (!v)
		return f == NULL;
	if (strip && strncmp(v, strip, strlen(strip)) == 0)
		v += strlen(strip);
	return init_set_version(in, v, (SrcPos){f, line, 1}, rel, style);
}

static const char *file_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot ? dot : "";
}

static bool is_test_name(const char *s)
{
	for (const char *p = s; *p; p++)
		if (strncasecmp(p, "test", 4) == 0)
			return true;
	return false;
}

/* A folder not searched for a project file: the walks' list, and .NET's output folders. */
static bool skipped(const char *name)
{
	if (name[0] == '.' || strcmp(name, "bin") == 0 || strcmp(name, "obj") == 0)
		return true;
	for (const char *const *s = project_skipped_dirs; *s; s++)
		if (strcmp(*s, name) == 0)
			return true;
	return false;
}

/* ---- XML (pom.xml, .csproj) --------------------------------------------------- */

static xmlNode *xchild(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static const char *xtext(Init *in, xmlNode *n)
{
	if (!n)
		return NULL;
	xmlChar *t = xmlNodeGetContent(n);
	if (!t)
		return NULL;
	const char *s = trim(in->a, (const char *)t, strlen((const char *)t));
	xmlFree(t);
	return *s ? s : NULL;
}

static const char *xfrom(Init *in, const SourceFile *f, xmlNode *n, const char *what)
{
	return init_from(in, f, (int)xmlGetLineNo(n), what);
}

/* ---- .NET ------------------------------------------------------------------ */

static void push_projects(Init *in, const char *dir, StrList *ret)
{
	StrList names = {0};
	if (!project_list_dir(&in->p, dir, &names))
		return;
	for (size_t i = 0; i < names.n; i++) {
		const char *ext = file_ext(names.v[i]);
		if (strcmp(ext, ".csproj") != 0 && strcmp(ext, ".fsproj") != 0)
			continue;
		const char *rel = strcmp(dir, ".") == 0 ? names.v[i] : arena_printf(in->a, "%s/%s", dir, names.v[i]);
		if (strcmp(dir, ".") != 0 && is_test_name(names.v[i]))
			continue;
		strlist_push(in->a, ret, rel);
	}
}

bool init_read_dotnet(Init *in)
{
	InitSpec *s = in->s;
	StrList projects = {0};
	const char *rel = in->o->project;
	if (!rel) {
		push_projects(in, ".", &projects);
		if (!projects.n) {
			/* src/App/App.csproj, src/App.csproj: one level down, test projects left out */
			StrList names = {0};
			project_list_dir(&in->p, ".", &names);
			for (size_t i = 0; i < names.n; i++)
				if (!skipped(names.v[i]) && !is_test_name(names.v[i]) && init_has_dir(in, names.v[i]))
					push_projects(in, names.v[i], &projects);
		}
		if (projects.n > 1) {
			diag_error(in->d, NOPOS, "%s: several .NET projects are here: %s; choose one with --project FILE, "
						 "or write one spec each with --recursive", shown(in),
				   strlist_join(in->a, &projects, ", "));
			return false;
		}
		if (!projects.n) {
			diag_error(in->d, NOPOS, "%s: a .sln but no .csproj or .fsproj beside it or one folder down; "
						 "choose the project with --project FILE", shown(in));
			return false;
		}
		rel = projects.v[0];
	} else if (!init_has(in, rel)) {
		diag_error(in->d, NOPOS, "--project '%s': no such file in %s", rel, shown(in));
		return false;
	}
	s->language_v.from = arena_printf(in->a, "from %s", rel);
	if (strchr(rel, '/') || in->o->project)
		init_set(&s->program, init_yaml_str(in->a, rel),
			 in->o->project ? "--project" : "the only project file, one folder down");
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	init_set_name(in, arena_strndup(in->a, base, strlen(base) - strlen(file_ext(base))),
		      arena_printf(in->a, "from %s", rel));
	struct _xmlDoc *doc = NULL;
	if (init_xml_read(&in->p, rel, &doc) != PROJECT_OK)
		return false;
	const SourceFile *f = init_read(in, rel, PROJECT_XML);
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlChar *sdk = root ? xmlGetProp(root, (const xmlChar *)"Sdk") : NULL;
	if (sdk && strcmp((const char *)sdk, "Microsoft.NET.Sdk.Web") == 0)
		init_set(&s->port, "8080",
			 xfrom(in, f, root, "Sdk=\"Microsoft.NET.Sdk.Web\": ASP.NET Core serves on 8080 in containers"));
	else
		no_port(in);
	xmlFree(sdk);
	s->summary = "dotnet";
	/* global.json's SDK, then the target framework */
	bool done = false;
	if (init_has(in, "global.json")) {
		const SourceFile *g = init_read(in, "global.json", PROJECT_JSON);
		json_t *j = g ? project_json(g, in->d) : NULL;
		const char *v = json_string_value(json_object_get(json_object_get(j, "sdk"), "version"));
		if (v) {
			const char *dot = strchr(v, '.');
			const char *dot2 = dot ? strchr(dot + 1, '.') : NULL;
			const char *chan = dot2 ? arena_strndup(in->a, v, (size_t)(dot2 - v)) : v;
			done = init_set_version(in, chan, json_pos(g, "version", v),
						arena_printf(in->a, "sdk.version %s", v), RANGE_NPM);
		}
		json_decref(j);
		if (!g || !j)
			done = true;
	}
	for (xmlNode *pg = root ? root->children : NULL; pg && !done; pg = pg->next) {
		if (pg->type != XML_ELEMENT_NODE || strcmp((const char *)pg->name, "PropertyGroup") != 0)
			continue;
		xmlNode *tf = xchild(pg, "TargetFramework");
		if (!tf)
			tf = xchild(pg, "TargetFrameworks");
		const char *v = xtext(in, tf);
		if (!v)
			continue;
		const char *semi = strchr(v, ';');
		const char *first = semi ? arena_strndup(in->a, v, (size_t)(semi - v)) : v;
		const char *num = strncmp(first, "netcoreapp", 10) == 0 ? first + 10 : strncmp(first, "net", 3) == 0 ? first + 3 : NULL;
		if (!num || !strchr(num, '.')) {
			diag_error(in->d, (SrcPos){f, (int)xmlGetLineNo(tf), 1},
				   "<%s>%s</%s> is not a .NET (Core) target framework stagec builds (net8.0, net9.0); "
				   "choose the version with --version", (const char *)tf->name, v, (const char *)tf->name);
			done = true;
			break;
		}
		done = init_set_version(in, num, (SrcPos){f, (int)xmlGetLineNo(tf), 1}, (const char *)tf->name, RANGE_NPM);
	}
	xmlFreeDoc(doc);
	return true;
}

/* ---- Java ------------------------------------------------------------------ */

/* "${java.version}" -> the property's value. */
static const char *pom_value(Init *in, xmlNode *props, const char *v, xmlNode **at)
{
	for (int depth = 0; v && depth < 4 && strncmp(v, "${", 2) == 0; depth++) {
		const char *e = strchr(v, '}');
		if (!e)
			return v;
		xmlNode *n = xchild(props, arena_strndup(in->a, v + 2, (size_t)(e - v - 2)));
		if (!n)
			return v;
		*at = n;
		v = xtext(in, n);
	}
	return v;
}

static bool java_version(Init *in, const SourceFile *f, const char *v, int line, const char *what)
{
	if (strncmp(v, "1.", 2) == 0)
		v += 2; /* 1.8 is Java 8 */
	return init_set_version(in, v, (SrcPos){f, line, 1}, what, RANGE_NPM);
}

static void spring_port(Init *in, const char *from)
{
	init_set(&in->s->port, "8080", from);
	const char *props = "src/main/resources/application.properties";
	if (!init_has(in, props))
		return;
	const SourceFile *f = init_read(in, props, PROJECT_TEXT);
	int line;
	const char *v = f ? line_after(in, f, "server.port", &line) : NULL;
	if (v && (*v == '=' || *v == ':')) {
		v = trim(in->a, v + 1, strlen(v + 1));
		if (init_version_plain(v) && !strchr(v, '.'))
			init_set(&in->s->port, v, init_from(in, f, line, "server.port"));
	}
}

static bool read_pom(Init *in)
{
	InitSpec *s = in->s;
	struct _xmlDoc *doc = NULL;
	if (init_xml_read(&in->p, "pom.xml", &doc) != PROJECT_OK)
		return false;
	const SourceFile *f = init_read(in, "pom.xml", PROJECT_XML);
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *packaging = xchild(root, "packaging"), *modules = xchild(root, "modules");
	const char *pk = xtext(in, packaging);
	if (pk && strcmp(pk, "pom") == 0) {
		diag_error(in->d, (SrcPos){f, (int)xmlGetLineNo(packaging), 1},
			   "a Maven parent (<packaging>pom</packaging>)%s builds no application; write one spec per "
			   "module with 'stagec init --recursive'", modules ? " with <modules>" : "");
		xmlFreeDoc(doc);
		return false;
	}
	s->summary = init_has(in, "mvnw") ? "maven wrapper" : "maven";
	xmlNode *art = xchild(root, "artifactId");
	if (xtext(in, art))
		init_set_name(in, xtext(in, art), xfrom(in, f, art, "artifactId"));
	if (!xchild(root, "version"))
		diag_warning(in->d, (SrcPos){f, (int)xmlGetLineNo(root), 1},
			     "pom.xml has no <version> of its own: stagec's Maven build copies "
			     "target/ARTIFACT-VERSION.jar and needs it; add <version>");
	xmlNode *props = xchild(root, "properties");
	static const char *const keys[] = {"maven.compiler.release", "maven.compiler.target", "java.version"};
	bool done = false;
	for (size_t i = 0; i < 3 && !done; i++) {
		xmlNode *n = xchild(props, keys[i]), *at = n;
		const char *v = pom_value(in, props, xtext(in, n), &at);
		if (v)
			done = java_version(in, f, v, (int)xmlGetLineNo(at), keys[i]);
	}
	bool spring = false;
	xmlNode *parent = xchild(root, "parent");
	const char *pa = xtext(in, xchild(parent, "artifactId"));
	if (pa && strcmp(pa, "spring-boot-starter-parent") == 0) {
		spring_port(in, xfrom(in, f, xchild(parent, "artifactId"),
				      "spring-boot-starter-parent: Spring Boot serves on 8080"));
		spring = true;
	}
	xmlNode *plugins = xchild(xchild(root, "build"), "plugins");
	for (xmlNode *pl = plugins ? plugins->children : NULL; pl; pl = pl->next) {
		if (pl->type != XML_ELEMENT_NODE)
			continue;
		xmlNode *pa2 = xchild(pl, "artifactId");
		const char *name = xtext(in, pa2);
		if (!name)
			continue;
		if (strcmp(name, "spring-boot-maven-plugin") == 0 && !spring) {
			spring_port(in, xfrom(in, f, pa2, "spring-boot-maven-plugin: Spring Boot serves on 8080"));
			spring = true;
		}
		xmlNode *rel = xchild(xchild(pl, "configuration"), "release"), *at = rel;
		const char *v = pom_value(in, props, xtext(in, rel), &at);
		if (strcmp(name, "maven-compiler-plugin") == 0 && v && !done)
			done = java_version(in, f, v, (int)xmlGetLineNo(at), "maven-compiler-plugin release");
	}
	if (!spring)
		scan_port(in, "src", JAVA_EXTS, JAVA_PORT);
	xmlFreeDoc(doc);
	return true;
}

static bool read_gradle(Init *in, const char *build)
{
	InitSpec *s = in->s;
	const SourceFile *f = init_read(in, build, PROJECT_TEXT);
	if (!f)
		return false;
	s->summary = init_has(in, "gradlew") ? "gradle wrapper" : "gradle";
	if (!init_has(in, "gradlew"))
		set_comment(&s->build_image, "gradle:8.10-jdk17", "no gradlew, and the JDK images have no Gradle: "
			    "name a Gradle image with the project's Gradle and JDK");
	const char *settings = strstr(build, ".kts") ? "settings.gradle.kts" : "settings.gradle";
	const SourceFile *sf = init_has(in, settings) ? init_read(in, settings, PROJECT_TEXT) : NULL;
	int line;
	const char *rn = sf ? line_after(in, sf, "rootProject.name", &line) : NULL;
	const char *name = rn ? quoted_after(in, rn) : NULL;
	if (name)
		init_set_name(in, name, init_from(in, sf, line, "rootProject.name"));
	const char *at = strstr(f->text, "JavaLanguageVersion.of(");
	if (at) {
		at += strlen("JavaLanguageVersion.of(");
		size_t n = strspn(at, "0123456789");
		if (n)
			java_version(in, f, arena_strndup(in->a, at, n), init_line_of(f, at), "JavaLanguageVersion");
	} else if ((at = strstr(f->text, "sourceCompatibility"))) {
		const char *v = at + strlen("sourceCompatibility");
		v += strspn(v, " =\t'\"");
		if (strncmp(v, "JavaVersion.VERSION_", 20) == 0)
			v += 20;
		size_t n = strspn(v, "0123456789._");
		char *num = arena_strndup(in->a, v, n);
		for (char *p = num; *p; p++)
			if (*p == '_')
				*p = '.';
		if (n)
			java_version(in, f, num, init_line_of(f, at), "sourceCompatibility");
	}
	if ((at = strstr(f->text, "org.springframework.boot")))
		init_set(&s->port, "8080", init_from(in, f, init_line_of(f, at), "org.springframework.boot: Spring Boot serves on 8080"));
	else
		scan_port(in, "src", JAVA_EXTS, JAVA_PORT);
	return true;
}

bool init_read_java(Init *in)
{
	bool pom = init_has(in, "pom.xml");
	const char *gradle = init_has(in, "build.gradle.kts") ? "build.gradle.kts" : init_has(in, "build.gradle") ? "build.gradle" : NULL;
	const char *pick = in->o->project;
	if (!pick && pom && gradle) {
		diag_error(in->d, NOPOS, "%s: both pom.xml and %s are present; choose one with --project pom.xml|%s",
			   shown(in), gradle, gradle);
		return false;
	}
	if (!pick)
		pick = pom ? "pom.xml" : gradle;
	if (pick)
		in->s->language_v.from = arena_printf(in->a, "from %s", pick);
	if (!pick) {
		/* no build tool: the template compiles src/main/java with javac */
		in->s->summary = "javac";
		in->s->language_v.from = "from src/main/java/";
		scan_port(in, "src", JAVA_EXTS, JAVA_PORT);
		return true;
	}
	if (strcmp(pick, "pom.xml") == 0)
		return read_pom(in);
	if (strncmp(pick, "build.gradle", 12) == 0 && init_has(in, pick)) {
		if (pom) {
			/* the template takes pom.xml first: name the Gradle files */
			StrList m = {0};
			if (init_has(in, "gradlew")) {
				strlist_push(in->a, &m, "gradlew");
				strlist_push(in->a, &m, "gradle/");
			}
			const char *settings = strstr(pick, ".kts") ? "settings.gradle.kts" : "settings.gradle";
			if (init_has(in, settings))
				strlist_push(in->a, &m, settings);
			strlist_push(in->a, &m, pick);
			set_list(in, &in->s->manifest, m, "--project");
		}
		return read_gradle(in, pick);
	}
	diag_error(in->d, NOPOS, "--project '%s': a Java project is pom.xml, build.gradle or build.gradle.kts", pick);
	return false;
}

/* ---- Go -------------------------------------------------------------------- */

static const char *const GO_PORT[] = {"ListenAndServe(", "Addr:", "Listen(\"tcp\",", ".Run(", NULL};

static void go_port(Init *in, const char *dir)
{
	StrList names = {0};
	project_list_dir(&in->p, dir, &names);
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		if (strcmp(file_ext(n), ".go") != 0 || strstr(n, "_test.go"))
			continue;
		const char *rel = strcmp(dir, ".") == 0 ? n : arena_printf(in->a, "%s/%s", dir, n);
		const SourceFile *f = init_read(in, rel, PROJECT_TEXT);
		int line, port = f ? init_scan_port(f, GO_PORT, &line) : 0;
		if (port) {
			init_set(&in->s->port, arena_printf(in->a, "%d", port), init_from(in, f, line, "the listen address"));
			return;
		}
	}
	no_port(in);
}

bool init_read_go(Init *in)
{
	InitSpec *s = in->s;
	s->summary = "go modules";
	const SourceFile *f = init_read(in, "go.mod", PROJECT_TEXT);
	if (!f)
		return false;
	int line;
	const char *mod = line_after(in, f, "module ", &line);
	if (mod) {
		char *m = arena_strdup(in->a, mod);
		m[strcspn(m, " \t/")] = m[strcspn(m, " \t/")] == '/' ? '/' : '\0';
		char *last = strrchr(m, '/');
		/* example.com/app/v2: the name is app */
		if (last && last[1] == 'v' && strspn(last + 2, "0123456789") == strlen(last + 2) && last[2]) {
			*last = '\0';
			last = strrchr(m, '/');
		}
		init_set_name(in, last ? last + 1 : m, init_from(in, f, line, "module"));
	}
	const char *v = line_after(in, f, "toolchain go", &line);
	if (v)
		init_set_version(in, v, (SrcPos){f, line, 1}, "toolchain", RANGE_NPM);
	else if ((v = line_after(in, f, "go ", &line)))
		init_set_version(in, v, (SrcPos){f, line, 1}, "go", RANGE_NPM);
	StrList mains = {0};
	if (!project_go_mains(&in->p, ".", NOPOS, &mains))
		return false;
	const char *main = NULL;
	if (in->o->program) {
		if (!strlist_contains(&mains, in->o->program)) {
			diag_error(in->d, NOPOS, "--program '%s' is not a main package of %s; its main packages are %s",
				   in->o->program, shown(in), mains.n ? strlist_join(in->a, &mains, ", ") : "none");
			return false;
		}
		main = in->o->program;
		init_set(&s->program, init_yaml_str(in->a, main), "--program");
	} else if (mains.n == 1) {
		main = mains.v[0];
	} else if (!mains.n) {
		diag_error(in->d, NOPOS, "%s: no Go main package: no .go file at the top or in cmd/NAME/ says "
					 "'package main' (a library has nothing to run)", shown(in));
		return false;
	} else {
		diag_error(in->d, NOPOS, "%s: the Go module has %u main packages (%s); choose one with --program %s, "
					 "or write one spec each with --recursive", shown(in), (unsigned)mains.n,
			   strlist_join(in->a, &mains, ", "), strlist_join(in->a, &mains, "|"));
		return false;
	}
	go_port(in, main);
	return true;
}

/* ---- Rust ------------------------------------------------------------------ */

static const char *const RUST_PORT[] = {"\"0.0.0.0:", "(\"0.0.0.0\", ", "[0, 0, 0, 0], ", NULL};

static bool rust_channel(Init *in, const char *rel, const TomlValue *ch)
{
	if (!ch || ch->kind != TOML_STRING)
		return false;
	if (!init_version_plain(ch->str)) {
		diag_remark(in->d, NOPOS, "%s names the channel '%s', not a version: the version is left to "
					  "--version or the template", rel, ch->str);
		return false;
	}
	return init_set_version(in, ch->str, ch->pos, "channel", RANGE_NPM);
}

bool init_read_rust(Init *in)
{
	InitSpec *s = in->s;
	s->summary = "cargo";
	const TomlValue *root;
	if (project_toml(&in->p, "Cargo.toml", NOPOS, &root) != PROJECT_OK)
		return false;
	const TomlValue *pkg = toml_get(root, "package");
	if (!pkg && toml_get(root, "workspace")) {
		diag_error(in->d, toml_get(root, "workspace")->pos,
			   "a Cargo workspace without a [package] builds no application itself; write one spec per "
			   "member with 'stagec init --recursive'");
		return false;
	}
	const TomlValue *name = toml_path(root, "package.name");
	if (name && name->kind == TOML_STRING)
		init_set_name(in, name->str, init_from(in, name->pos.file, name->pos.line, "package.name"));
	/* the version: rust-toolchain.toml, rust-toolchain, rust-version */
	bool done = false;
	const TomlValue *tc;
	if (init_has(in, "rust-toolchain.toml") && project_toml(&in->p, "rust-toolchain.toml", NOPOS, &tc) == PROJECT_OK)
		done = rust_channel(in, "rust-toolchain.toml", toml_path(tc, "toolchain.channel"));
	if (!done && init_has(in, "rust-toolchain")) {
		const SourceFile *f = init_read(in, "rust-toolchain", PROJECT_TEXT);
		int line;
		const char *v = f ? first_line(in, f, &line) : NULL;
		if (v && v[0] == '[' && project_toml(&in->p, "rust-toolchain", NOPOS, &tc) == PROJECT_OK)
			done = rust_channel(in, "rust-toolchain", toml_path(tc, "toolchain.channel"));
		else if (v && init_version_plain(v))
			done = init_set_version(in, v, (SrcPos){f, line, 1}, "rust-toolchain", RANGE_NPM);
	}
	const TomlValue *rv = toml_path(root, "package.rust-version");
	if (!done && rv && rv->kind == TOML_STRING)
		init_set_version(in, rv->str, rv->pos, "rust-version", RANGE_NPM);
	/* the binary */
	const TomlValue *bins = toml_get(root, "bin");
	StrList names = {0}, paths = {0};
	for (size_t i = 0; bins && bins->kind == TOML_ARRAY && i < bins->n; i++) {
		const TomlValue *bn = toml_get(bins->items[i], "name"), *bp = toml_get(bins->items[i], "path");
		if (bn && bn->kind == TOML_STRING) {
			strlist_push(in->a, &names, bn->str);
			strlist_push(in->a, &paths, bp && bp->kind == TOML_STRING ? bp->str
					: name && strcmp(name->str, bn->str) == 0 ? "src/main.rs"
					: arena_printf(in->a, "src/bin/%s.rs", bn->str));
		}
	}
	if (!names.n && name && name->kind == TOML_STRING && init_has(in, "src/main.rs")) {
		strlist_push(in->a, &names, name->str);
		strlist_push(in->a, &paths, "src/main.rs");
	}
	size_t pick = 0;
	if (!names.n) {
		diag_error(in->d, NOPOS, "%s: Cargo.toml builds no binary (no src/main.rs, no [[bin]]): a library "
					 "crate has nothing to run", shown(in));
		return false;
	}
	if (in->o->program) {
		for (pick = 0; pick < names.n && strcmp(names.v[pick], in->o->program) != 0; pick++)
			;
		if (pick == names.n) {
			diag_error(in->d, NOPOS, "--program '%s' is not a binary of Cargo.toml; its binaries are %s",
				   in->o->program, strlist_join(in->a, &names, ", "));
			return false;
		}
		init_set(&s->program, init_yaml_str(in->a, names.v[pick]), "--program");
	} else if (names.n > 1) {
		diag_error(in->d, NOPOS, "%s: Cargo.toml has %u binaries (%s); choose one with --program %s", shown(in),
			   (unsigned)names.n, strlist_join(in->a, &names, ", "), strlist_join(in->a, &names, "|"));
		return false;
	}
	const SourceFile *mf = init_has(in, paths.v[pick]) ? init_read(in, paths.v[pick], PROJECT_TEXT) : NULL;
	int line, port = mf ? init_scan_port(mf, RUST_PORT, &line) : 0;
	if (port)
		init_set(&s->port, arena_printf(in->a, "%d", port), init_from(in, mf, line, "the listen address"));
	else
		no_port(in);
	return true;
}

/* ---- PHP ------------------------------------------------------------------- */

bool init_read_php(Init *in)
{
	InitSpec *s = in->s;
	s->summary = init_has(in, "composer.lock") ? "composer, locked" : "composer";
	const SourceFile *f = init_read(in, "composer.json", PROJECT_JSON);
	json_t *j = f ? project_json(f, in->d) : NULL;
	if (!j)
		return false;
	const char *name = json_string_value(json_object_get(j, "name"));
	if (name)
		init_set_name(in, name, init_from(in, f, json_pos(f, "name", name).line, "name"));
	const char *php = json_string_value(json_object_get(json_object_get(j, "require"), "php"));
	if (php)
		init_set_version(in, php, json_pos(f, "php", php), "require.php", RANGE_COMPOSER);
	json_decref(j);
	if (init_has(in, "public/index.php")) {
		/* the template's built-in server serves public/ on 8080 */
	} else if (init_has(in, "index.php")) {
		set_list(in, &s->command, words(in->a, "php", "-S", "0.0.0.0:8080", "-t", ".", NULL),
			 "from index.php (at the top, not in public/)");
		init_set(&s->port, "8080", "from the command");
	} else {
		set_comment(&s->command, "[php, -S, \"0.0.0.0:8080\", -t, public]",
			    "no public/index.php or index.php: the template serves public/");
	}
	return true;
}

/* ---- Ruby ------------------------------------------------------------------ */

/* The line of Gemfile naming gem (gem "rails"), 0 when none. */
static int gem_line(Init *in, const SourceFile *f, const char *gem)
{
	const char *pats[] = {arena_printf(in->a, "gem \"%s\"", gem), arena_printf(in->a, "gem '%s'", gem)};
	for (size_t i = 0; i < 2; i++) {
		const char *at = strstr(f->text, pats[i]);
		if (at)
			return init_line_of(f, at);
	}
	return 0;
}

bool init_read_ruby(Init *in)
{
	InitSpec *s = in->s;
	s->summary = "bundler";
	const SourceFile *g = init_read(in, "Gemfile", PROJECT_TEXT);
	if (!g)
		return false;
	int line;
	if (!version_file(in, ".ruby-version", "ruby-", RANGE_GEM)) {
		const char *r = line_after(in, g, "ruby ", &line);
		const char *v = r ? quoted_after(in, r) : NULL;
		bool done = v && init_set_version(in, v, (SrcPos){g, line, 1}, "ruby", RANGE_GEM);
		const SourceFile *lock = !done && init_has(in, "Gemfile.lock") ? init_read(in, "Gemfile.lock", PROJECT_TEXT) : NULL;
		const char *rv = lock ? strstr(lock->text, "RUBY VERSION\n") : NULL;
		if (rv) {
			const char *l = rv + strlen("RUBY VERSION\n");
			l += strspn(l, " ");
			if (strncmp(l, "ruby ", 5) == 0) {
				l += 5;
				size_t n = strspn(l, "0123456789.");
				init_set_version(in, arena_strndup(in->a, l, n), (SrcPos){lock, init_line_of(lock, l), 1},
						 "RUBY VERSION", RANGE_GEM);
			}
		}
	}
	int rails = gem_line(in, g, "rails");
	if (rails && init_has(in, "bin/rails")) {
		set_list(in, &s->command, words(in->a, "bin/rails", "server", "-b", "0.0.0.0", NULL),
			 init_from(in, g, rails, "gem rails"));
		init_set(&s->port, "3000", "Rails serves on 3000");
	} else if (init_has(in, "config.ru") && (line = gem_line(in, g, "puma"))) {
		set_list(in, &s->command, words(in->a, "bundle", "exec", "puma", "-b", "tcp://0.0.0.0:9292", NULL),
			 init_from(in, g, line, "gem puma, and config.ru"));
		init_set(&s->port, "9292", "from the command");
	} else {
		set_comment(&s->command, "[bundle, exec, ruby, app.rb]", init_has(in, "app.rb") ? "app.rb is here: the "
			    "template runs it so" : "nothing in the project names the command; this is what the template runs");
		scan_port(in, ".", RB_EXTS, RB_PORT);
	}
	return true;
}

/* ---- Python ---------------------------------------------------------------- */

typedef struct Dep {
	const char *name;
	const char *from;
} Dep;

typedef struct Deps {
	Dep v[256];
	size_t n;
} Deps;

static void dep_add(Init *in, Deps *ds, const char *spec, const char *from)
{
	size_t n = strspn(spec, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
	if (!n || ds->n == sizeof(ds->v) / sizeof(ds->v[0]))
		return;
	char *name = arena_strndup(in->a, spec, n);
	for (char *p = name; *p; p++)
		*p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
	ds->v[ds->n++] = (Dep){name, from};
}

static const Dep *dep_find(const Deps *ds, const char *name)
{
	for (size_t i = 0; i < ds->n; i++)
		if (strcmp(ds->v[i].name, name) == 0)
			return &ds->v[i];
	return NULL;
}

static void deps_requirements(Init *in, Deps *ds, const char *rel)
{
	const SourceFile *f = init_read(in, rel, PROJECT_TEXT);
	int line = 1;
	for (const char *p = f ? f->text : ""; *p; line++) {
		const char *e = strchr(p, '\n');
		const char *t = p + strspn(p, " \t");
		if (*t != '-' && *t != '#')
			dep_add(in, ds, t, arena_printf(in->a, "%s:%d", rel, line));
		if (!e)
			break;
		p = e + 1;
	}
}

static void deps_table(Init *in, Deps *ds, const TomlValue *t)
{
	for (size_t i = 0; t && t->kind == TOML_TABLE && i < t->n; i++)
		dep_add(in, ds, t->pairs[i].key, init_from(in, t->pairs[i].pos.file, t->pairs[i].pos.line, NULL) + strlen("from "));
}

/* The variable and module of "NAME = Framework(" in the app's Python files. */
static bool find_app(Init *in, const char *ctor, const char *package, const char **ret_target, const char **ret_from)
{
	const char *const dirs[] = {".", "app", "src", "api", package ? package : "app", NULL};
	for (const char *const *d = dirs; *d; d++) {
		StrList names = {0};
		if (strcmp(*d, ".") != 0 && !init_has_dir(in, *d))
			continue;
		project_list_dir(&in->p, *d, &names);
		for (size_t i = 0; i < names.n; i++) {
			if (strcmp(file_ext(names.v[i]), ".py") != 0)
				continue;
			const char *rel = strcmp(*d, ".") == 0 ? names.v[i] : arena_printf(in->a, "%s/%s", *d, names.v[i]);
			const SourceFile *f = init_read(in, rel, PROJECT_TEXT);
			const char *at = f ? strstr(f->text, ctor) : NULL;
			if (!at)
				continue;
			const char *b = at;
			while (b > f->text && (b[-1] == ' ' || b[-1] == '='))
				b--;
			const char *e = b;
			while (b > f->text && (isalnum((unsigned char)b[-1]) || b[-1] == '_'))
				b--;
			if (b == e || (b > f->text && b[-1] != '\n'))
				continue;
			char *mod = arena_strndup(in->a, rel, strlen(rel) - 3);
			for (char *p = mod; *p; p++)
				if (*p == '/')
					*p = '.';
			*ret_target = arena_printf(in->a, "%s:%s", mod, arena_strndup(in->a, b, (size_t)(e - b)));
			*ret_from = init_from(in, f, init_line_of(f, at), NULL);
			return true;
		}
	}
	return false;
}

static bool python_pm(Init *in)
{
	InitSpec *s = in->s;
	static const struct {
		const char *pm, *lock, *manifest;
	} locks[] = {{"poetry", "poetry.lock", "pyproject.toml"}, {"uv", "uv.lock", "pyproject.toml"},
		     {"pipenv", "Pipfile.lock", "Pipfile"}, {"pip", "requirements.txt", NULL}};
	StrList found = {0}, pms = {0};
	init_lockfiles(in, &found); /* the template's list: the rule stagec itself applies */
	for (size_t f = 0; f < found.n; f++) {
		size_t i = 0;
		while (i < 3 && strcmp(locks[i].lock, found.v[f]) != 0)
			i++;
		strlist_push(in->a, &pms, i < 3 ? locks[i].pm : found.v[f]);
	}
	const char *want = in->o->package_manager;
	if (want) {
		size_t i = 0;
		while (i < 4 && strcmp(locks[i].pm, want) != 0)
			i++;
		if (i == 4) {
			diag_error(in->d, NOPOS, "--package-manager '%s': a Python project uses poetry, uv, pipenv or pip", want);
			return false;
		}
		if (!init_has(in, locks[i].lock)) {
			diag_error(in->d, NOPOS, "--package-manager %s: %s has no %s", want, shown(in), locks[i].lock);
			return false;
		}
		s->summary = locks[i].pm;
		StrList m = {0};
		if (locks[i].manifest)
			strlist_push(in->a, &m, locks[i].manifest);
		strlist_push(in->a, &m, locks[i].lock);
		if (found.n > 1 || (i == 3 && found.n))
			set_list(in, &s->manifest, m, arena_printf(in->a, "--package-manager %s", want));
		return true;
	}
	if (found.n > 1) {
		diag_error(in->d, NOPOS, "%s: several lockfiles are present: %s; choose one with --package-manager %s",
			   shown(in), strlist_join(in->a, &found, ", "), strlist_join(in->a, &pms, "|"));
		return false;
	}
	if (found.n) {
		s->summary = pms.v[0];
		if (strcmp(pms.v[0], "pipenv") == 0 && !init_has(in, "Pipfile")) {
			diag_error(in->d, NOPOS, "%s: Pipfile.lock without its Pipfile; add the Pipfile", shown(in));
			return false;
		}
		return true;
	}
	if (init_has(in, "requirements.txt")) {
		s->summary = "pip";
		return true;
	}
	diag_error(in->d, NOPOS, "%s: no lockfile and no requirements.txt: stagec installs from poetry.lock, uv.lock, "
				 "Pipfile.lock or requirements.txt; lock the dependencies (%s) first", shown(in),
		   init_has(in, "Pipfile") ? "pipenv lock" : "poetry lock, uv lock, or pip freeze > requirements.txt");
	return false;
}

bool init_read_python(Init *in)
{
	InitSpec *s = in->s;
	if (!python_pm(in))
		return false;
	const TomlValue *py = NULL, *pf = NULL;
	if (init_has(in, "pyproject.toml") && project_toml(&in->p, "pyproject.toml", NOPOS, &py) != PROJECT_OK)
		return false;
	if (init_has(in, "Pipfile") && project_toml(&in->p, "Pipfile", NOPOS, &pf) != PROJECT_OK)
		return false;
	const TomlValue *pn = toml_path(py, "project.name");
	if (!pn)
		pn = toml_path(py, "tool.poetry.name");
	if (pn && pn->kind == TOML_STRING)
		init_set_name(in, pn->str, init_from(in, pn->pos.file, pn->pos.line, "name"));
	/* the version */
	bool done = version_file(in, ".python-version", NULL, RANGE_PEP440);
	const TomlValue *v = toml_path(py, "project.requires-python");
	if (!done && v && v->kind == TOML_STRING)
		done = init_set_version(in, v->str, v->pos, "requires-python", RANGE_PEP440);
	v = toml_path(py, "tool.poetry.dependencies.python");
	if (!done && v && v->kind == TOML_STRING)
		done = init_set_version(in, v->str, v->pos, "tool.poetry.dependencies.python", RANGE_NPM);
	v = toml_path(pf, "requires.python_version");
	if (!done && v && v->kind == TOML_STRING)
		done = init_set_version(in, v->str, v->pos, "python_version", RANGE_PEP440);
	if (!done && init_has(in, "runtime.txt"))
		done = version_file(in, "runtime.txt", "python-", RANGE_PEP440);
	if (!done)
		tool_versions(in, "python", ".tool-versions");
	/* the dependencies name the framework and the server */
	Deps *ds = arena_alloc(in->a, sizeof(*ds));
	if (init_has(in, "requirements.txt"))
		deps_requirements(in, ds, "requirements.txt");
	const TomlValue *pd = toml_path(py, "project.dependencies");
	for (size_t i = 0; pd && pd->kind == TOML_ARRAY && i < pd->n; i++)
		if (pd->items[i]->kind == TOML_STRING)
			dep_add(in, ds, pd->items[i]->str,
				init_from(in, pd->items[i]->pos.file, pd->items[i]->pos.line, NULL) + strlen("from "));
	deps_table(in, ds, toml_path(py, "tool.poetry.dependencies"));
	deps_table(in, ds, toml_get(pf, "packages"));
	const Dep *gunicorn = dep_find(ds, "gunicorn"), *uvicorn = dep_find(ds, "uvicorn");
	const char *target, *where, *package = NULL;
	if (pn && pn->kind == TOML_STRING) {
		char *pk = arena_strdup(in->a, pn->str);
		for (char *p = pk; *p; p++)
			*p = *p == '-' ? '_' : (char)tolower((unsigned char)*p);
		package = pk;
	}
	if (init_has(in, "manage.py")) {
		const SourceFile *m = init_read(in, "manage.py", PROJECT_TEXT);
		const char *at = m ? strstr(m->text, "DJANGO_SETTINGS_MODULE") : NULL;
		const char *settings = at ? quoted_after(in, at + strlen("DJANGO_SETTINGS_MODULE") + 1) : NULL;
		const char *dot = settings ? strrchr(settings, '.') : NULL;
		if (dot && gunicorn) {
			const char *pkg = arena_strndup(in->a, settings, (size_t)(dot - settings));
			set_list(in, &s->command, words(in->a, "gunicorn", "--bind", "0.0.0.0:8000",
							arena_printf(in->a, "%s.wsgi:application", pkg), NULL),
				 arena_printf(in->a, "%s, gunicorn from %s", init_from(in, m, init_line_of(m, at), "Django settings"),
					      gunicorn->from));
			init_set(&s->port, "8000", "from the command");
			return true;
		}
		set_comment(&s->command, "[gunicorn, --bind, \"0.0.0.0:8000\", \"SITE.wsgi:application\"]",
			    "a Django project: add gunicorn to the dependencies");
	} else if (dep_find(ds, "fastapi") && find_app(in, "FastAPI(", package, &target, &where)) {
		if (uvicorn) {
			set_list(in, &s->command, words(in->a, "uvicorn", target, "--host", "0.0.0.0", "--port", "8000", NULL),
				 arena_printf(in->a, "%s (FastAPI()), uvicorn from %s", where, uvicorn->from));
			init_set(&s->port, "8000", "from the command");
			return true;
		}
		set_comment(&s->command, arena_printf(in->a, "[uvicorn, \"%s\", --host, 0.0.0.0, --port, \"8000\"]", target),
			    "a FastAPI app: add uvicorn to the dependencies");
	} else if (dep_find(ds, "flask") && find_app(in, "Flask(", package, &target, &where)) {
		if (gunicorn) {
			set_list(in, &s->command, words(in->a, "gunicorn", "--bind", "0.0.0.0:8000", target, NULL),
				 arena_printf(in->a, "%s (Flask()), gunicorn from %s", where, gunicorn->from));
			init_set(&s->port, "8000", "from the command");
			return true;
		}
		set_comment(&s->command, arena_printf(in->a, "[gunicorn, --bind, \"0.0.0.0:8000\", \"%s\"]", target),
			    "a Flask app: add gunicorn to the dependencies");
	}
	set_comment(&s->command, "[python, app.py]", init_has(in, "app.py") ? "app.py is here: the template runs "
		    "it so" : "nothing in the project names the command; this is what the template runs");
	scan_port(in, ".", PY_EXTS, PY_PORT);
	return true;
}

/* ---- Node.js and static sites ---------------------------------------------------- */

static const char *const NODE_PORT[] = {"listen(", "PORT || ", "PORT ?? ", "PORT||", NULL};
static const char *const SITE_TOOLS[] = {"vite", "react-scripts", "@angular/cli", "parcel", "@vue/cli-service",
					 "astro", NULL};

static bool has_dep(json_t *j, const char *name)
{
	return json_object_get(json_object_get(j, "dependencies"), name) ||
	       json_object_get(json_object_get(j, "devDependencies"), name);
}

static bool node_pm(Init *in, const SourceFile *f, json_t *j, const char **ret_pm)
{
	InitSpec *s = in->s;
	static const char *const pms[][2] = {{"npm", "package-lock.json"}, {"yarn", "yarn.lock"}, {"pnpm", "pnpm-lock.yaml"}};
	for (const char *const *b = (const char *const[]){"bun.lock", "bun.lockb", NULL}; *b; b++)
		if (init_has(in, *b) && !in->o->package_manager) {
			diag_error(in->d, NOPOS, "%s: %s is Bun's lockfile, which stagec's templates do not install from; "
						 "choose npm, yarn or pnpm with --package-manager", shown(in), *b);
			return false;
		}
	StrList found = {0}, names = {0};
	init_lockfiles(in, &found); /* the template's list: the rule stagec itself applies */
	for (size_t k = 0; k < found.n; k++) {
		size_t i = 0;
		while (i < 3 && strcmp(pms[i][1], found.v[k]) != 0)
			i++;
		strlist_push(in->a, &names, i < 3 ? pms[i][0] : found.v[k]);
	}
	const char *want = in->o->package_manager;
	const char *from = arena_printf(in->a, "--package-manager %s", want ? want : "");
	const char *field = json_string_value(json_object_get(j, "packageManager"));
	if (!want && field) {
		want = arena_strndup(in->a, field, strcspn(field, "@"));
		from = init_from(in, f, json_pos(f, "packageManager", field).line, "packageManager");
	}
	if (!want && found.n > 1) {
		diag_error(in->d, NOPOS, "%s: %s%s are present; choose one with --package-manager %s", shown(in),
			   found.n == 2 ? "both " : "", found.n == 2 ? arena_printf(in->a, "%s and %s", found.v[0], found.v[1])
								 : strlist_join(in->a, &found, ", "),
			   strlist_join(in->a, &names, "|"));
		return false;
	}
	*ret_pm = want ? want : found.n ? names.v[0] : "npm";
	size_t i = 0;
	while (i < 3 && strcmp(pms[i][0], *ret_pm) != 0)
		i++;
	if (i == 3) {
		diag_error(in->d, NOPOS, "%s: '%s' is not a package manager stagec installs with; choose npm, yarn or pnpm", from, *ret_pm);
		return false;
	}
	if (want && !init_has(in, pms[i][1]) && found.n) {
		diag_error(in->d, NOPOS, "%s: %s chooses %s, but there is no %s (only %s)", shown(in), from, want,
			   pms[i][1], strlist_join(in->a, &found, ", "));
		return false;
	}
	s->summary = *ret_pm;
	if (want && found.n > 1)
		set_list(in, &s->manifest, words(in->a, "package.json", pms[i][1], NULL), from);
	return true;
}

bool init_read_node(Init *in)
{
	InitSpec *s = in->s;
	const SourceFile *f = init_read(in, "package.json", PROJECT_JSON);
	json_t *j = f ? project_json(f, in->d) : NULL;
	if (!j)
		return false;
	bool ok = false;
	const char *pm;
	json_t *scripts = json_object_get(j, "scripts");
	const char *start = json_string_value(json_object_get(scripts, "start"));
	const char *build = json_string_value(json_object_get(scripts, "build"));
	if ((json_object_get(j, "workspaces") || init_has(in, "pnpm-workspace.yaml")) && !start) {
		diag_error(in->d, json_object_get(j, "workspaces") ? json_pos(f, "workspaces", NULL) : NOPOS,
			   "a workspace root with no start script builds no application itself; write one spec per "
			   "member with 'stagec init --recursive'");
		goto out;
	}
	if (!node_pm(in, f, j, &pm))
		goto out;
	if (!in->o->language && !start && build) {
		/* a site: a front-end build tool, or a build and nothing to run */
		const char *tool = NULL;
		for (const char *const *t = SITE_TOOLS; *t && !tool; t++)
			if (has_dep(j, *t))
				tool = *t;
		bool runnable = json_object_get(j, "main") || init_has(in, "index.js") || init_has(in, "server.js") ||
				init_has(in, "app.js");
		if (tool || !runnable) {
			s->language = "static";
			s->language_v.from = init_from(in, f, json_pos(f, "build", build).line,
						       tool ? arena_printf(in->a, "scripts.build with %s, no scripts.start", tool)
							    : "scripts.build, no scripts.start or main");
		}
	}
	const char *name = json_string_value(json_object_get(j, "name"));
	if (name)
		init_set_name(in, name, init_from(in, f, json_pos(f, "name", name).line, "name"));
	/* the version */
	bool done = false;
	const SourceFile *nv = init_has(in, ".nvmrc") ? init_read(in, ".nvmrc", PROJECT_TEXT) : NULL;
	int nvline = 1;
	const char *nvv = nv ? first_line(in, nv, &nvline) : NULL;
	if (nvv && strncmp(nvv, "lts/", 4) == 0 && !in->o->version) {
		/* "lts/" followed by a star is the image tag lts; a named line (lts/iron) is not a tag */
		if (strcmp(nvv, "lts/*") == 0 && strcmp(s->language, "node") == 0)
			init_set(&s->version, "lts", init_from(in, nv, nvline, ".nvmrc"));
		else
			diag_remark(in->d, NOPOS, ".nvmrc names '%s', which is no image tag; the version is left to "
						  "--version or the template", nvv);
		done = true;
	} else if (nvv) {
		done = init_set_version(in, nvv, (SrcPos){nv, nvline, 1}, ".nvmrc", RANGE_NPM);
	}
	if (!done)
		done = version_file(in, ".node-version", NULL, RANGE_NPM);
	const char *engine = json_string_value(json_object_get(json_object_get(j, "engines"), "node"));
	if (!done && engine)
		done = init_set_version(in, engine, json_pos(f, "node", engine), "engines.node", RANGE_NPM);
	if (!done)
		tool_versions(in, "nodejs", ".tool-versions");
	if (strcmp(s->language, "static") == 0) {
		ok = true;
		goto out;
	}
	if (build)
		set_list(in, &s->build, words(in->a, strcmp(pm, "yarn") == 0 ? "yarn build" : arena_printf(in->a, "%s run build", pm), NULL),
			 init_from(in, f, json_pos(f, "build", build).line, "scripts.build"));
	/* the command: a start script that runs node FILE, else main */
	const char *entry = NULL;
	if (start && strncmp(start, "node ", 5) == 0 && !strpbrk(start, "&|;<>$`'\"\\(){}*?")) {
		StrList w = {0};
		char *c = arena_strdup(in->a, start);
		for (char *t = strtok(c, " \t"); t; t = strtok(NULL, " \t"))
			strlist_push(in->a, &w, t);
		for (size_t i = 1; i < w.n && !entry; i++)
			if (w.v[i][0] != '-')
				entry = w.v[i];
		set_list(in, &s->command, w, init_from(in, f, json_pos(f, "start", start).line, "scripts.start"));
	} else if (start) {
		set_comment(&s->command, "[node, index.js]", arena_printf(in->a, "scripts.start is '%s', not 'node FILE': "
									 "write the command the image runs", start));
	} else if ((entry = json_string_value(json_object_get(j, "main")))) {
		set_list(in, &s->command, words(in->a, "node", entry, NULL),
			 init_from(in, f, json_pos(f, "main", entry).line, "main"));
	} else {
		set_comment(&s->command, "[node, index.js]", "no scripts.start or main: this is what the template runs");
	}
	if (entry && !init_has(in, entry) && strncmp(entry, "dist/", 5) == 0 && strcmp(file_ext(entry), ".js") == 0) {
		/* built from TypeScript: dist/server.js from src/server.ts */
		const char *ts = arena_printf(in->a, "src/%.*s.ts", (int)(strlen(entry) - 8), entry + 5);
		if (init_has(in, ts))
			entry = ts;
	}
	const SourceFile *ef = entry && init_has(in, entry) ? init_read(in, entry, PROJECT_TEXT) : NULL;
	int line, port = ef ? init_scan_port(ef, NODE_PORT, &line) : 0;
	if (port)
		init_set(&s->port, arena_printf(in->a, "%d", port), init_from(in, ef, line, "listen"));
	else
		no_port(in);
	ok = true;
out:
	json_decref(j);
	return ok;
}

/* ---- C and C++ ------------------------------------------------------------- */

static bool has_cpp_sources(Init *in, const char *dir)
{
	StrList names = {0};
	project_list_dir(&in->p, dir, &names);
	for (size_t i = 0; i < names.n; i++) {
		const char *e = file_ext(names.v[i]);
		if (strcmp(e, ".cpp") == 0 || strcmp(e, ".cc") == 0 || strcmp(e, ".cxx") == 0)
			return true;
	}
	return false;
}

bool init_read_c(Init *in)
{
	InitSpec *s = in->s;
	bool cpp = false;
	const char *why = NULL;
	if (init_has(in, "CMakeLists.txt")) {
		s->summary = "cmake";
		const SourceFile *f = init_read(in, "CMakeLists.txt", PROJECT_TEXT);
		if (!f)
			return false;
		const char *at = strstr(f->text, "project(");
		if (!at)
			at = strstr(f->text, "PROJECT(");
		if (at) {
			const char *b = at + 8, *e = strchr(b, ')');
			const char *args = e ? trim(in->a, b, (size_t)(e - b)) : "";
			size_t n = strcspn(args, " \t\n");
			init_set_name(in, arena_strndup(in->a, args, n), init_from(in, f, init_line_of(f, at), "project()"));
			if (strstr(args, "CXX")) {
				cpp = true;
				why = init_from(in, f, init_line_of(f, at), "project() LANGUAGES CXX");
			}
		}
	} else {
		s->summary = "make";
	}
	if (!cpp && (has_cpp_sources(in, ".") || has_cpp_sources(in, "src"))) {
		cpp = true;
		why = "C++ sources (.cpp, .cc)";
	}
	if (!in->o->language) {
		s->language = cpp ? "cpp" : "c";
		if (why)
			s->language_v.from = why;
	}
	set_comment(&s->command, "[/opt/app/bin/NAME]", "the template runs the program the install puts in "
		    "/opt/app/bin, named after the app");
	scan_port(in, ".", C_EXTS, C_PORT);
	return true;
}
