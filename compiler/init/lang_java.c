/*
 * lang_java.c - Java: pom.xml (Maven; the wrapper when mvnw is there) or build.gradle
 * (Gradle), or src/main/java alone (javac).  The version from
 * maven.compiler.release, .target, java.version or the compiler plugin
 * (${...} resolved, 1.8 is 8), or Gradle's toolchain; Spring Boot serves
 * on 8080 unless application.properties says server.port; other apps
 * name their port in an InetSocketAddress.
 */
#include <ctype.h>
#include <string.h>

#include "xmllib.h" /* libxml2, loaded when XML is first read */

#include "init/init.h"

static const char *const JAVA_EXTS[] = {".java", ".kt", NULL};
static const char *const JAVA_PORT[] = {"InetSocketAddress(", NULL};
/* "${java.version}" -> the property's value. */
static const char *pom_value(Init *in, xmlNode *props, const char *v, xmlNode **at)
{
	for (int depth = 0; v && depth < 4 && strncmp(v, "${", 2) == 0; depth++) {
		const char *e = strchr(v, '}');
		if (!e)
			return v;
		xmlNode *n = init_xchild(props, arena_strndup(in->a, v + 2, (size_t)(e - v - 2)));
		if (!n)
			return v;
		*at = n;
		v = init_xtext(in, n);
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
	const char *v = f ? init_line_after(in, f, "server.port", &line) : NULL;
	if (v && (*v == '=' || *v == ':')) {
		v = init_trim(in->a, v + 1, strlen(v + 1));
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
	xmlNode *packaging = init_xchild(root, "packaging"), *modules = init_xchild(root, "modules");
	const char *pk = init_xtext(in, packaging);
	if (pk && strcmp(pk, "pom") == 0) {
		diag_error(in->d, (SrcPos){f, (int)xmlGetLineNo(packaging), 1},
			   "a Maven parent (<packaging>pom</packaging>)%s builds no application; write one spec per "
			   "module with 'stagec init --recursive'", modules ? " with <modules>" : "");
		xmlFreeDoc(doc);
		return false;
	}
	s->summary = init_has(in, "mvnw") ? "maven wrapper" : "maven";
	xmlNode *art = init_xchild(root, "artifactId");
	if (init_xtext(in, art))
		init_set_name(in, init_xtext(in, art), init_xfrom(in, f, art, "artifactId"));
	if (!init_xchild(root, "version"))
		diag_warning(in->d, (SrcPos){f, (int)xmlGetLineNo(root), 1},
			     "pom.xml has no <version> of its own: stagec's Maven build copies "
			     "target/ARTIFACT-VERSION.jar and needs it; add <version>");
	xmlNode *props = init_xchild(root, "properties");
	static const char *const keys[] = {"maven.compiler.release", "maven.compiler.target", "java.version"};
	bool done = false;
	for (size_t i = 0; i < 3 && !done; i++) {
		xmlNode *n = init_xchild(props, keys[i]), *at = n;
		const char *v = pom_value(in, props, init_xtext(in, n), &at);
		if (v)
			done = java_version(in, f, v, (int)xmlGetLineNo(at), keys[i]);
	}
	bool spring = false;
	xmlNode *parent = init_xchild(root, "parent");
	const char *pa = init_xtext(in, init_xchild(parent, "artifactId"));
	if (pa && strcmp(pa, "spring-boot-starter-parent") == 0) {
		spring_port(in, init_xfrom(in, f, init_xchild(parent, "artifactId"),
				      "spring-boot-starter-parent: Spring Boot serves on 8080"));
		spring = true;
	}
	xmlNode *plugins = init_xchild(init_xchild(root, "build"), "plugins");
	for (xmlNode *pl = plugins ? plugins->children : NULL; pl; pl = pl->next) {
		if (pl->type != XML_ELEMENT_NODE)
			continue;
		xmlNode *pa2 = init_xchild(pl, "artifactId");
		const char *name = init_xtext(in, pa2);
		if (!name)
			continue;
		if (strcmp(name, "spring-boot-maven-plugin") == 0 && !spring) {
			spring_port(in, init_xfrom(in, f, pa2, "spring-boot-maven-plugin: Spring Boot serves on 8080"));
			spring = true;
		}
		xmlNode *rel = init_xchild(init_xchild(pl, "configuration"), "release"), *at = rel;
		const char *v = pom_value(in, props, init_xtext(in, rel), &at);
		if (strcmp(name, "maven-compiler-plugin") == 0 && v && !done)
			done = java_version(in, f, v, (int)xmlGetLineNo(at), "maven-compiler-plugin release");
	}
	if (!spring)
		init_port_from_sources(in, "src", JAVA_EXTS, JAVA_PORT);
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
		init_set_comment(&s->build_image, "gradle:8.10-jdk17", "no gradlew, and the JDK images have no Gradle: "
			    "name a Gradle image with the project's Gradle and JDK");
	const char *settings = strstr(build, ".kts") ? "settings.gradle.kts" : "settings.gradle";
	const SourceFile *sf = init_has(in, settings) ? init_read(in, settings, PROJECT_TEXT) : NULL;
	int line;
	const char *rn = sf ? init_line_after(in, sf, "rootProject.name", &line) : NULL;
	const char *name = rn ? init_quoted_after(in, rn) : NULL;
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
		init_port_from_sources(in, "src", JAVA_EXTS, JAVA_PORT);
	return true;
}

bool init_read_java(Init *in)
{
	bool pom = init_has(in, "pom.xml");
	const char *gradle = init_has(in, "build.gradle.kts") ? "build.gradle.kts" : init_has(in, "build.gradle") ? "build.gradle" : NULL;
	const char *pick = in->o->project;
	if (!pick && pom && gradle) {
		diag_error(in->d, NOPOS, "%s: both pom.xml and %s are present; choose one with --project pom.xml|%s",
			   init_shown(in), gradle, gradle);
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
		init_port_from_sources(in, "src", JAVA_EXTS, JAVA_PORT);
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
			init_set_list(in, &in->s->manifest, m, "--project");
		}
		return read_gradle(in, pick);
	}
	diag_error(in->d, NOPOS, "--project '%s': a Java project is pom.xml, build.gradle or build.gradle.kts", pick);
	return false;
}
