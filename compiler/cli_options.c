/*
 * cli_options.c - a command's option table printed as --help lines, and
 * listed for the man page and the shell completions (tools/gen-docs.sh),
 * so that the three cannot drift apart.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "internal.h"

static const char *values_of(const CliOption *op)
{
	if (op->values && strcmp(op->values, CLI_VALUES_LANGUAGES) == 0)
		return template_builtin_languages();
	return op->values;
}

void cli_print_options(FILE *out, const CliOption *table)
{
	for (const CliOption *op = table; op->name; op++) {
		if (!op->help)
			continue;
		char head[64];
		int n = snprintf(head, sizeof(head), "  %s%c%s--%s%s%s", op->short_name ? "-" : "",
				 op->short_name ? op->short_name : ' ', op->short_name ? ", " : "  ", op->name,
				 op->arg ? " " : "", op->arg ? op->arg : "");
		if (!op->short_name)
			n = snprintf(head, sizeof(head), "      --%s%s%s", op->name, op->arg ? " " : "", op->arg ? op->arg : "");
		if (n >= 23)
			fprintf(out, "%s\n%24s%s\n", head, "", op->help);
		else
			fprintf(out, "%-24s%s\n", head, op->help);
		if (op->values)
			fprintf(out, "%24sone of: %s\n", "", values_of(op));
	}
}

void cli_list_options(FILE *out, const CliOption *table)
{
	for (const CliOption *op = table; op->name; op++)
		if (op->help)
			fprintf(out, "%s\t%c\t%s\t%s\t%s\n", op->name, op->short_name ? op->short_name : '-',
				op->arg ? op->arg : "-", op->values ? values_of(op) : "-", op->help);
}
