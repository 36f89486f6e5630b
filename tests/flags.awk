# flags.awk - every flag of a Dockerfile's instructions is one stagec writes.
#
#   awk -v flags=specs/emitted-flags.txt -f tests/flags.awk Dockerfile
#
# Reads the list (one "INSTRUCTION PATTERN" a line, specs/emitted-flags.txt),
# then the Dockerfile: the words that start with "--" right after an
# instruction's keyword are its flags, and they go on over continuation
# lines (a line ending with '\' then only blanks, as stagec writes each RUN
# --mount on a line of its own) until the first word that is no flag.
# Each flag must match a pattern of its instruction, whole.  Prints
# "line N: KEYWORD FLAG is not in LIST" and exits 1 at the first that does
# not; exits 2 when the list cannot be read.  Used by tests/run-flags.sh and
# tests/fuzz/run-regressions.sh; fuzz_compile.c and tests/injection/check.js
# read the same list.
BEGIN {
	if (flags == "") {
		print "flags.awk: give the list: -v flags=FILE" >"/dev/stderr"
		broken = 1
		exit 2
	}
	while ((r = (getline line <flags)) > 0) {
		if (line ~ /^[ \t]*(#|$)/)
			continue
		n = split(line, f, /[ \t]+/)
		if (n != 2 || f[1] !~ /^[A-Z]+$/ || f[2] !~ /^--/) {
			printf "flags.awk: %s: not 'INSTRUCTION --PATTERN': %s\n", flags, line >"/dev/stderr"
			broken = 1
			exit 2
		}
		np++
		kw[np] = f[1]
		re[np] = "^(" f[2] ")$"
	}
	if (r < 0 || np == 0) {
		printf "flags.awk: cannot read a pattern from %s\n", flags >"/dev/stderr"
		broken = 1
		exit 2
	}
	cont = 0
	inflags = 0
}

function allowed(k, w, i) {
	for (i = 1; i <= np; i++)
		if (kw[i] == k && w ~ re[i])
			return 1
	return 0
}

# Checks the flags among the words of s; returns 1 when every word was one
# (the flags may go on on the next line), 0 at the first word that is not.
function check_words(s, n, w, i) {
	n = split(s, w, /[ \t]+/)
	for (i = 1; i <= n; i++) {
		if (w[i] == "" || (i == n && w[i] == "\\"))
			continue
		if (substr(w[i], 1, 2) != "--")
			return 0
		if (!allowed(cur, w[i])) {
			printf "line %d: %s %s is not in %s\n", NR, cur, w[i], flags
			bad = 1
			exit 1
		}
	}
	return 1
}

{
	ends = ($0 ~ /\\[ \t]*$/)
	if (!cont) {
		if ($0 ~ /^[ \t]*(#|$)/)
			next
		rest = $0
		sub(/^[ \t]*/, "", rest)
		cur = toupper(substr(rest, 1, match(rest, /[ \t]|$/) - 1))
		sub(/^[^ \t]*/, "", rest)
		inflags = check_words(rest)
	} else if (inflags && $0 !~ /^[ \t]*#/) {
		inflags = check_words($0)
	}
	cont = ends
}

END {
	if (broken)
		exit 2
	if (bad)
		exit 1
}
