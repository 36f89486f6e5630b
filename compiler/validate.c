/*
 * validate.c - the grammars of the values a spec or template may hold.
 *
 * These are security boundaries: whatever passes one of them is written
 * into a Dockerfile, sometimes inside a shell command (a manifest name
 * after "pip install -r", a user name after "useradd").  So each grammar is
 * an allow-list of characters, never a deny-list, and none of them lets
 * through whitespace, control characters, quotes, '$', '`', ';', '&' or a
 * leading '-' (which a command would take for an option).  Each function
 * takes a NUL-terminated string and accepts NULL as invalid.
 */
#include <string.h>

#include "internal.h"

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower_alnum(char c)
{
	return is_lower(c) || is_digit(c);
}

static bool is_alnum(char c)
{
	return is_lower(c) || is_upper(c) || is_digit(c);
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

/* Consumes one or more characters of set from *p; returns how many. */
static size_t span(const char **p, bool (*in_set)(char))
{
	const char *s = *p;
	while (*s && in_set(*s))
		s++;
	size_t n = (size_t)(s - *p);
	*p = s;
	return n;
}

bool has_control_chars(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return false;
}

/* ---- Debian packages ------------------------------------------------------
 * name[:arch][=version], as apt-get takes it.  Debian policy 5.6.1: a name
 * is [a-z0-9][a-z0-9+.-]+; 5.6.12: a version is [epoch:]upstream[-revision]
 * drawn from [A-Za-z0-9.+~:-], and starts with a digit. */

static bool is_pkg_char(char c)
{
	return is_lower_alnum(c) || c == '+' || c == '.' || c == '-';
}

static bool is_arch_char(char c)
{
	return is_lower_alnum(c) || c == '-';
}

static bool is_version_char(char c)
{
	return is_alnum(c) || c == '.' || c == '+' || c == '~' || c == ':' || c == '-';
}

bool valid_package_name(const char *s)
{
	if (!s || !is_lower_alnum(*s))
		return false;
	const char *p = s;
	if (span(&p, is_pkg_char) < 2)
		return false;
	if (*p == ':') {
		p++;
		if (!is_lower_alnum(*p) || span(&p, is_arch_char) == 0)
			return false;
	}
	if (*p == '=') {
		p++;
		if (!is_digit(*p) || span(&p, is_version_char) == 0)
			return false;
	}
	return *p == '\0';
}

/* ---- mount words ---------------------------------------------------------
 * A RUN --mount value is read by BuildKit as one CSV record of key=value
 * fields, and its values may expand build args: a word of mount (a cache
 * or secret id, a target, a bind source) keeps to letters, digits and
 * . _ - / + @ so it can neither add a field nor an argument. */

static bool is_mount_char(char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '/' || c == '+' || c == '@';
}

bool valid_mount_word(const char *s)
{
	if (!s || !*s || strlen(s) > 255)
		return false;
	for (; *s; s++)
		if (!is_mount_char(*s))
			return false;
	return true;
}

/* A build secret's id names it on the command line (docker build --secret
 * id=ID,src=FILE) and in the mount: a short name, no path. */
bool valid_secret_id(const char *s)
{
	if (!s || !is_alnum(*s) || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!is_alnum(*s) && *s != '.' && *s != '_' && *s != '-')
			return false;
	return true;
}

/* ---- environment variables ---------------------------------------------- */

bool valid_env_name(const char *s)
{
	if (!s || !(is_upper(*s) || is_lower(*s) || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!is_alnum(*s) && *s != '_')
			return false;
	return true;
}

/* ---- users ----------------------------------------------------------------
 * A name ([a-z_][a-z0-9_-]{0,31}, what useradd accepts by default) or a
 * numeric id without leading zeros (so that "00" cannot stand in for root
 * unnoticed), for the user and for the optional group. */

static bool valid_id(const char *s, size_t n)
{
	if (n == 0 || n > 10)
		return false;
	if (s[0] == '0' && n > 1)
		return false;
	unsigned long long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v < 4294967295ULL; /* (uid_t)-1 means "no user" */
}

static bool valid_account(const char *s, size_t n)
{
	if (n == 0)
		return false;
	if (is_digit(s[0]))
		return valid_id(s, n);
	if (n > 32 || !(is_lower(s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

bool valid_user_name(const char *s)
{
	if (!s)
		return false;
	const char *colon = strchr(s, ':');
	if (!colon)
		return valid_account(s, strlen(s));
	return valid_account(s, (size_t)(colon - s)) && valid_account(colon + 1, strlen(colon + 1));
}

/* ---- ports ---------------------------------------------------------------- */

bool valid_port(const char *s)
{
	if (!s || !is_digit(*s) || *s == '0')
		return false;
	unsigned long v = 0;
	size_t n = 0;
	for (; is_digit(*s); s++, n++) {
		if (n >= 5)
			return false;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v > 65535)
		return false;
	return *s == '\0' || strcmp(s, "/tcp") == 0 || strcmp(s, "/udp") == 0;
}

/* ---- durations ------------------------------------------------------------
 * What Docker's --interval and friends take, whole numbers only: 30s,
 * 1m30s, 500ms.  Each number is at most 9 digits so nothing overflows. */

bool valid_duration(const char *s)
{
	static const char *const units[] = {"ns", "us", "ms", "s", "m", "h"};
	if (!s || !*s)
		return false;
	while (*s) {
		size_t n = span(&s, is_digit);
		if (n == 0 || n > 9)
			return false;
		size_t i;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t ul = strlen(units[i]);
			if (strncmp(s, units[i], ul) == 0) {
				s += ul;
				break;
			}
		}
		if (i == sizeof(units) / sizeof(units[0]))
			return false;
	}
	return true;
}

/* ---- image references -----------------------------------------------------
 * The grammar of github.com/distribution/reference, in lowercase only:
 *   ref       := name [':' tag] ['@' 'sha256:' 64 hex]
 *   name      := [domain '/'] component ('/' component)*
 *   domain    := label ('.' label)* [':' port]    (has '.' or ':', or is localhost)
 *   component := alnum+ (separator alnum+)*       separator := '.' | '_' | '__' | '-'+
 *   tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */

#define IMAGE_NAME_MAX 255

static bool valid_path_component(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0 || !is_lower_alnum(s[0]))
		return false;
	while (i < n) {
		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == n)
			return true;
		/* a separator, then more alphanumerics */
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < n && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i == n || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

static bool valid_domain(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t host = colon ? (size_t)(colon - s) : n;
	if (colon) {
		size_t plen = n - host - 1;
		if (plen == 0 || plen > 5)
			return false;
		for (size_t i = host + 1; i < n; i++)
			if (!is_digit(s[i]))
				return false;
	}
	/* labels: alnum, inner '-' allowed, separated by single dots */
	size_t start = 0;
	for (size_t i = 0; i <= host; i++) {
		if (i < host && s[i] != '.')
			continue;
		size_t len = i - start;
		if (len == 0 || !is_lower_alnum(s[start]) || !is_lower_alnum(s[i - 1]))
			return false;
		for (size_t j = start; j < i; j++)
			if (!is_lower_alnum(s[j]) && s[j] != '-')
				return false;
		start = i + 1;
	}
	return true;
}

static bool is_tag_char(char c)
{
	return is_alnum(c) || c == '_' || c == '.' || c == '-';
}

bool valid_image_ref(const char *s)
{
	if (!s || !*s)
		return false;
	const char *end = s + strlen(s);

	/* the digest, if any */
	const char *at = strchr(s, '@');
	if (at) {
		if (strncmp(at + 1, "sha256:", 7) != 0)
			return false;
		const char *hex = at + 8;
		if (end - hex != 64)
			return false;
		for (const char *h = hex; h < end; h++)
			if (!is_hex(*h))
				return false;
		end = at;
	}

	/* the tag: after the last ':' that follows the last '/' */
	const char *slash = NULL;
	for (const char *p = s; p < end; p++)
		if (*p == '/')
			slash = p;
	const char *colon = NULL;
	for (const char *p = slash ? slash + 1 : s; p < end; p++)
		if (*p == ':')
			colon = p;
	if (colon) {
		const char *t = colon + 1;
		size_t tlen = (size_t)(end - t);
		if (tlen == 0 || tlen > 128 || !(is_alnum(*t) || *t == '_'))
			return false;
		for (const char *p = t; p < end; p++)
			if (!is_tag_char(*p))
				return false;
		end = colon;
	}

	if ((size_t)(end - s) > IMAGE_NAME_MAX)
		return false;

	/* the first component is a registry when it looks like a host */
	const char *comp = s;
	const char *first_slash = memchr(s, '/', (size_t)(end - s));
	if (first_slash) {
		size_t n = (size_t)(first_slash - s);
		if (memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && strncmp(s, "localhost", 9) == 0)) {
			if (!valid_domain(s, n))
				return false;
			comp = first_slash + 1;
		}
	}
	for (;;) {
		const char *next = memchr(comp, '/', (size_t)(end - comp));
		size_t n = next ? (size_t)(next - comp) : (size_t)(end - comp);
		if (!valid_path_component(comp, n))
			return false;
		if (!next)
			return true;
		comp = next + 1;
	}
}

/* ---- app names ------------------------------------------------------------ */

bool valid_app_name(const char *s)
{
	if (!s || !is_lower_alnum(*s))
		return false;
	size_t n = 1;
	for (s++; *s; s++, n++)
		if (!is_lower_alnum(*s) && *s != '.' && *s != '_' && *s != '-')
			return false;
	return n <= 128;
}

/* ---- label keys -----------------------------------------------------------
 * A letter or digit, then printable ASCII without space, '=', quotes, '$'
 * (LABEL expands variables) or '\' (it escapes).  The first character
 * matters because a key can start a line of the Dockerfile: Docker drops
 * a line that starts with '#' even inside a continued LABEL (the next
 * instruction then joins it), and reads a first word that starts with
 * "--" as a flag. */

bool valid_label_key(const char *s)
{
	if (!s || !is_alnum(*s))
		return false;
	size_t n = 0;
	for (; *s; s++, n++) {
		unsigned char c = (unsigned char)*s;
		if (c <= 0x20 || c >= 0x7f)
			return false;
		if (strchr("=\"'`$\\", c))
			return false;
	}
	return n <= 256;
}

/* ---- paths inside the build context ---------------------------------------
 * Relative, without a ".." component, and drawn from the POSIX portable
 * file name characters plus '/', '+' and '@', so that a manifest name can
 * go into a shell command unquoted.  A leading '-' is refused: it would be
 * an option. */

static bool is_path_char(char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '/' || c == '+' || c == '@';
}

static bool has_dotdot(const char *s)
{
	for (;;) {
		const char *slash = strchr(s, '/');
		size_t n = slash ? (size_t)(slash - s) : strlen(s);
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return true;
		if (!slash)
			return false;
		s = slash + 1;
	}
}

static bool all_path_chars(const char *s)
{
	for (; *s; s++)
		if (!is_path_char(*s))
			return false;
	return true;
}

bool valid_context_path(const char *s)
{
	if (!s || !*s || *s == '/' || *s == '-')
		return false;
	return all_path_chars(s) && !has_dotdot(s);
}

bool valid_abs_path(const char *s)
{
	if (!s || *s != '/')
		return false;
	return all_path_chars(s) && !has_dotdot(s);
}
