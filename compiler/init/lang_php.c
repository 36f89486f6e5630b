/*
 * lang_php.c - PHP: composer.json's name and require.php (a Composer range); the
 * template serves public/, or index.php at the top.
 */
#include <ctype.h>
#include <string.h>

#include "init/init.h"

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
		init_set_list(in, &s->command, init_words(in->a, "php", "-S", "0.0.0.0:8080", "-t", ".", NULL),
			 "from index.php (at the top, not in public/)");
		init_set(&s->port, "8080", "from the command");
	} else {
		init_set_comment(&s->command, "[php, -S, \"0.0.0.0:8080\", -t, public]",
			    "no public/index.php or index.php: the template serves public/");
	}
	return true;
}
