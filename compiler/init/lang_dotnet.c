/*
 * lang_dotnet.c - .NET: the project file (one at the top, else one folder down, test
 * projects left out; several: --project), the version from global.json's
 * SDK or <TargetFramework>, port 8080 for Microsoft.NET.Sdk.Web.
 */
#include <ctype.h>
#include <string.h>

#include "xmllib.h" /* libxml2, loaded when XML is first read */

#include "init/init.h"

static void push_projects(Init *in, const char *dir, StrList *ret)
{
	StrList names = {0};
	if (!project_list_dir(&in->p, dir, &names))
		return;
	for (size_t i = 0; i < names.n; i++) {
		const char *ext = init_file_ext(names.v[i]);
		if (strcmp(ext, ".csproj") != 0 && strcmp(ext, ".fsproj") != 0)
			continue;
		const char *rel = strcmp(dir, ".") == 0 ? names.v[i] : arena_printf(in->a, "%s/%s", dir, names.v[i]);
		if (strcmp(dir, ".") != 0 && init_is_test_name(names.v[i]))
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
				if (!init_skipped(names.v[i]) && !init_is_test_name(names.v[i]) && init_has_dir(in, names.v[i]))
					push_projects(in, names.v[i], &projects);
		}
		if (projects.n > 1) {
			diag_error(in->d, NOPOS, "%s: several .NET projects are here: %s; choose one with --project FILE, "
						 "or write one spec each with --recursive", init_shown(in),
				   strlist_join(in->a, &projects, ", "));
			return false;
		}
		if (!projects.n) {
			diag_error(in->d, NOPOS, "%s: a .sln but no .csproj or .fsproj beside it or one folder down; "
						 "choose the project with --project FILE", init_shown(in));
			return false;
		}
		rel = projects.v[0];
	} else if (!init_has(in, rel)) {
		diag_error(in->d, NOPOS, "--project '%s': no such file in %s", rel, init_shown(in));
		return false;
	}
	s->language_v.from = arena_printf(in->a, "from %s", rel);
	if (strchr(rel, '/') || in->o->project)
		init_set(&s->program, init_yaml_str(in->a, rel),
			 in->o->project ? "--project" : "the only project file, one folder down");
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	init_set_name(in, arena_strndup(in->a, base, strlen(base) - strlen(init_file_ext(base))),
		      arena_printf(in->a, "from %s", rel));
	struct _xmlDoc *doc = NULL;
	if (init_xml_read(&in->p, rel, &doc) != PROJECT_OK)
		return false;
	const SourceFile *f = init_read(in, rel, PROJECT_XML);
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlChar *sdk = root ? xmlGetProp(root, (const xmlChar *)"Sdk") : NULL;
	if (sdk && strcmp((const char *)sdk, "Microsoft.NET.Sdk.Web") == 0)
		init_set(&s->port, "8080",
			 init_xfrom(in, f, root, "Sdk=\"Microsoft.NET.Sdk.Web\": ASP.NET Core serves on 8080 in containers"));
	else
		init_no_port(in);
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
		xmlNode *tf = init_xchild(pg, "TargetFramework");
		if (!tf)
			tf = init_xchild(pg, "TargetFrameworks");
		const char *v = init_xtext(in, tf);
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
