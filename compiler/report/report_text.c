/*
 * report_text.c - the text report: one diagnostic line per finding.
 *
 *   services/api/app.yaml:7:9: error: the image runs as root [STG201 run.non_root]
 *
 * For each spec in path order: its compile diagnostics (STG900), then its
 * findings rule by rule, then its drifting files (STG903).  A waived
 * finding is a note that names the exception.  Every piece of user text is
 * cleaned so that one finding is one line and nothing in it can drive a
 * terminal.  Passes print nothing; the summary is the driver's.
 */
#include "report/report.h"

static const char *line(const Report *r, const char *s)
{
	return report_clean(r->arena, s, REPORT_CLEAN_LINE);
}

static void add_line(const Report *r, Strbuf *out, const char *where, const char *level, const char *message,
		     const ReportRule *rule)
{
	strbuf_addf(out, "%s: %s: %s [%s %s]\n", line(r, where), level, line(r, message), rule->id, rule->name);
}

int report_write_text(const Report *r, Strbuf *out)
{
	Arena *a = r->arena;
	for (size_t i = 0; i < r->nspecs; i++) {
		const ReportSpec *s = r->specs[i];
		for (size_t j = 0; j < s->ndiags; j++) {
			const ReportDiag *d = s->diags[j];
			add_line(r, out, report_pos_text(a, d->pos, s->path), report_level_name(d->level), d->message,
				 &report_rule_compile);
		}
		for (size_t j = 0; j < s->nchecks; j++) {
			const ReportCheck *c = s->checks[j];
			for (size_t k = 0; k < c->nfindings; k++) {
				const ReportFinding *f = c->findings[k];
				const char *where = report_pos_text(a, f->pos, s->path);
				if (!f->waiver) {
					add_line(r, out, where, report_level_name(f->level), f->message, c->rule);
					continue;
				}
				const ReportWaiver *w = f->waiver;
				const char *by = w->pos.file ? arena_printf(a, "the exception at %s", report_pos_text(a, w->pos, NULL))
							     : "a policy exception";
				const char *msg = arena_printf(a, "%s (waived by %s: %s%s%s)", f->message, by, w->reason,
							       w->expires ? "; expires " : "", w->expires ? w->expires : "");
				add_line(r, out, where, "note", msg, c->rule);
			}
		}
		for (size_t j = 0; j < s->ndrift; j++) {
			const ReportDrift *d = s->drift[j];
			add_line(r, out, d->file, "error", report_drift_text(a, d), &report_rule_drift);
		}
	}
	return 0;
}
