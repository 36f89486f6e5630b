/*
 * mirror.c - the policy's registry mirror: enforce.images.mirror rewrites
 * the registry (and optionally a path under it) of every base image to a
 * mirror, e.g. {docker.io: mirror.example.com/dockerhub} makes
 * `python:3.12-slim` (docker.io/library/python:3.12-slim) come from
 * mirror.example.com/dockerhub/library/python:3.12-slim.
 *
 * The key is a prefix of the normalised reference (image.c's one
 * normaliser) that ends at a path segment; the longest key wins.  The
 * rewrite runs on the final IR after the policy's rules and the image
 * families matched the references the spec and the templates name
 * ("matching happens before any rewrite"), and before the lock pins them,
 * so the FROM lines, the lock's entries and the base-image labels (the
 * bake file's) all name the mirror.  A tag and a digest are kept as
 * written; a reference without a tag gets none.
 *
 * The key is no spec key: mirror_strip() takes it out of enforce before
 * the spec reader checks enforce (policy.c) and before enforce is merged
 * into a spec (policy_merge.c).
 */
#include <string.h>

#include "internal.h"

#define MIRROR_KEY "mirror"

/* registry[:port][/path...]: lowercase segments of [a-z0-9._-], the first
 * naming a registry (a '.', a ':' port, or localhost).  NULL when s is one,
 * else what is wrong. */
const char *mirror_prefix_problem(const char *s)
{
	if (!*s)
		return "is empty";
	if (strstr(s, "://"))
		return "has a scheme; write the registry's host without 'https://'";
	if (strchr(s, '@') || strchr(s, '*'))
		return "is a registry host with an optional path, not an image or a pattern";
	size_t host = strcspn(s, "/");
	const char *colon = memchr(s, ':', host);
	size_t name = colon ? (size_t)(colon - s) : host;
	if (name == 0)
		return "has no registry host";
	for (size_t i = 0; i < name; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789.-", s[i]))
			return "has a host that is not lowercase letters, digits, '.' and '-'";
	if (colon) {
		size_t digits = strspn(colon + 1, "0123456789");
		if (digits == 0 || digits > 5 || colon + 1 + digits != s + host)
			return "has a port that is not a number";
	}
	if (!colon && !memchr(s, '.', name) && !(name == 9 && strncmp(s, "localhost", 9) == 0))
		return "names no registry (a host has a '.' or a port, or is localhost: 'docker.io', 'gcr.io')";
	for (const char *p = s + host; *p == '/'; ) {
		size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789._-");
		if (n == 0)
			return "has an empty or invalid path segment (lowercase letters, digits, '.', '_', '-')";
		p += 1 + n;
		if (*p && *p != '/')
			return "has an invalid path segment (lowercase letters, digits, '.', '_', '-')";
	}
	return NULL;
}

/* enforce.images.mirror, or NULL. */
static const YNode *mirror_node(const YNode *enforce)
{
	const YNode *images = ynode_get(enforce, "images");
	return images && images->kind == YNODE_MAP ? ynode_get(images, MIRROR_KEY) : NULL;
}

YNode *mirror_strip(Arena *a, const YNode *enforce)
{
	if (!enforce)
		return NULL;
	if (!mirror_node(enforce)) { /* a copy, as ynode_without makes: trees are never changed */
		YNode *n = arena_alloc(a, sizeof(*n));
		*n = *enforce;
		return n;
	}
	const YNode *images = ynode_get(enforce, "images");
	YNode *rest = ynode_without(a, images, MIRROR_KEY);
	if (rest->n == 0)
		return ynode_without(a, enforce, "images");
	YNode *out = ynode_without(a, enforce, "images");
	YPair *pairs = arena_alloc(a, (out->n + 1) * sizeof(YPair));
	memcpy(pairs, out->pairs, out->n * sizeof(YPair));
	for (size_t i = 0; i < enforce->n; i++)
		if (strcmp(enforce->pairs[i].key->str, "images") == 0)
			pairs[out->n] = (YPair){enforce->pairs[i].key, rest};
	out->pairs = pairs;
	out->n++;
	return out;
}

const YNode *mirror_check(Arena *a, const YNode *enforce, Diags *d)
{
	const YNode *m = mirror_node(enforce);
	if (!m)
		return enforce;
	if (m->kind != YNODE_MAP) {
		diag_error(d, m->pos, "'enforce.images.mirror' must be a mapping of registries to their mirrors "
				      "({docker.io: mirror.example.com/dockerhub}), not %s", ynode_kind_name(m->kind));
		return mirror_strip(a, enforce);
	}
	for (size_t i = 0; i < m->n; i++) {
		const YNode *k = m->pairs[i].key, *v = m->pairs[i].value;
		const char *problem = mirror_prefix_problem(k->str);
		if (problem)
			diag_error(d, k->pos, "the mirrored registry '%s' %s", k->str, problem);
		if (v->kind != YNODE_SCALAR || v->is_null) {
			diag_error(d, v->pos, "the mirror of '%s' must be a registry host with an optional path "
					      "(mirror.example.com/dockerhub), not %s", k->str,
				   v->is_null ? "empty" : ynode_kind_name(v->kind));
			continue;
		}
		problem = mirror_prefix_problem(v->str);
		if (problem)
			diag_error(d, v->pos, "the mirror '%s' %s", v->str, problem);
	}
	return mirror_strip(a, enforce);
}

/* The reference normalised, its tag kept as written (none added), without
 * its digest. */
static const char *normalised_as_written(Arena *a, const char *ref)
{
	const char *norm = image_normalise(a, ref);
	const char *bare;
	const char *nodigest = arena_strndup(a, ref, strcspn(ref, "@"));
	if (!image_written_tag(a, nodigest, &bare)) {
		size_t n = strlen(norm);
		if (n > 7 && strcmp(norm + n - 7, ":latest") == 0)
			return arena_strndup(a, norm, n - 7);
	}
	return norm;
}

const char *mirror_rewrite(Arena *a, const YNode *enforce, const char *ref, SrcPos *ret_pos)
{
	const YNode *m = mirror_node(enforce);
	if (!m || m->kind != YNODE_MAP || strcmp(ref, "scratch") == 0)
		return NULL;
	const char *norm = normalised_as_written(a, ref);
	const YPair *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->pairs[i].key->str;
		size_t n = strlen(k);
		/* a key ends at a path segment; one naming a repository
		 * (docker.io/library/python) also before its tag */
		bool at_end = norm[n] == '/' || (norm[n] == ':' && strchr(k, '/'));
		if (n > best_len && strncmp(norm, k, n) == 0 && at_end) {
			best = &m->pairs[i];
			best_len = n;
		}
	}
	if (!best)
		return NULL;
	if (ret_pos)
		*ret_pos = best->value->pos;
	const char *digest = strchr(ref, '@');
	return arena_printf(a, "%s%s%s", best->value->str, norm + best_len, digest ? digest : "");
}

size_t mirror_apply(Arena *a, const Policy *p, Ir *ir, ImageRewrite **ret)
{
	size_t n = 0;
	for (Stage *st = ir->first; st; st = st->next)
		n++;
	ImageRewrite *v = arena_alloc(a, (n + 1) * sizeof(*v));
	n = 0;
	for (Stage *st = ir->first; p && st; st = st->next) {
		SrcPos pos = {0};
		const char *to = mirror_rewrite(a, p->enforce, st->image, &pos);
		if (!to)
			continue;
		bool seen = false;
		for (size_t i = 0; i < n && !seen; i++)
			seen = strcmp(v[i].from, st->image) == 0;
		if (!seen)
			v[n++] = (ImageRewrite){st->image, to, pos};
		st->image = to;
	}
	*ret = v;
	return n;
}
