#!/usr/bin/env node
/*
 * check.js - nothing added, nothing split.
 *
 * For every spec given (default: the *.yaml here) and every variant
 * (multi-/single-stage, official/debian base; with the comments that say
 * why each step is there, and without), compiles the spec twice:
 * once to the IR dump (what the compiler means) and once to a Dockerfile
 * (what it says).  The Dockerfile is read back by the independent parser
 * (dockerfile-ast, through tests/lint/instructions.js), and the two must
 * agree: the same instructions in the same order, and for every
 * instruction whose arguments are not shell text, the same arguments
 * (ENV/LABEL names, exec-form elements, COPY paths, USER, WORKDIR,
 * EXPOSE, FROM).  A value that escaped its quoting shows up as an extra
 * instruction, an extra argument or a changed one.  A debian variant that
 * stagec refuses because the language has no debian base passes.
 * And every flag dockerfile-ast reads (the "--" words before an
 * instruction's arguments) must match a pattern of its instruction in
 * specs/emitted-flags.txt, the one list of the flags stagec writes (which
 * the fuzz target and tests/flags.awk read too).
 * Usage: node tests/injection/check.js STAGEC [SPEC...]
 * Prints `ok - ...`/`not ok - ...` and `injection: N passed, N failed`.
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const stagec = path.resolve(process.argv[2] || 'build/stagec');
let specs = process.argv.slice(3);
if (specs.length === 0)
	specs = fs.readdirSync(__dirname).filter((f) => f.endsWith('.yaml')).map((f) => path.join(__dirname, f));
const instructionsJs = path.join(__dirname, '..', 'lint', 'instructions.js');
const { parse: parseDockerfile } = require(path.join(__dirname, '..', 'lint', 'dockerfile-text.js'));
/* specs/emitted-flags.txt: "INSTRUCTION PATTERN" lines, each pattern an
 * extended regular expression of a whole flag word */
const flagsList = path.join(__dirname, '..', '..', 'specs', 'emitted-flags.txt');
const FLAGS = fs.readFileSync(flagsList, 'utf8').split('\n')
	.filter((l) => l.trim() && !l.trim().startsWith('#'))
	.map((l) => {
		const f = l.trim().split(/\s+/);
		if (f.length !== 2 || !/^[A-Z]+$/.test(f[0]) || !f[1].startsWith('--'))
			throw new Error(`${flagsList}: not 'INSTRUCTION PATTERN': ${l}`);
		return { instruction: f[0], re: new RegExp('^(' + f[1] + ')$') };
	});
if (FLAGS.length === 0)
	throw new Error(`${flagsList}: no pattern`);
const flagAllowed = (kw, flag) => FLAGS.some((r) => r.instruction === kw && r.re.test(flag));
const KEYWORDS = { packages: 'RUN', copy: 'COPY', run: 'RUN', env: 'ENV', workdir: 'WORKDIR', user: 'USER',
	expose: 'EXPOSE', healthcheck: 'HEALTHCHECK', cmd: 'CMD', entrypoint: 'ENTRYPOINT', label: 'LABEL',
	arg: 'ARG', adduser: 'RUN' };

/* Splits the rest of an IR dump line into tokens: JSON strings and arrays
 * whole, and bare words; stops at the "  # why" comment. */
function tokenize(s) {
	const out = [];
	let i = 0;
	const readJson = () => {
		const start = i;
		let depth = 0, inStr = false;
		for (; i < s.length; i++) {
			const c = s[i];
			if (inStr) {
				if (c === '\\') i++;
				else if (c === '"') { inStr = false; if (depth === 0) { i++; break; } }
			} else if (c === '"') inStr = true;
			else if (c === '[') depth++;
			else if (c === ']') { depth--; if (depth === 0) { i++; break; } }
		}
		return JSON.parse(s.slice(start, i));
	};
	while (i < s.length) {
		if (s[i] === ' ') { i++; continue; }
		if (s.startsWith('# ', i)) break;
		if (s[i] === '"' || s[i] === '[') { out.push({ json: readJson() }); continue; }
		const m = /^([A-Za-z_][A-Za-z0-9_.-]*|opts|needs|produces)=/.exec(s.slice(i));
		if (m && (s[i + m[0].length] === '"' || s[i + m[0].length] === '[')) {
			i += m[0].length;
			out.push({ key: m[1], json: readJson() });
			continue;
		}
		let j = i;
		while (j < s.length && s[j] !== ' ') j++;
		out.push({ word: s.slice(i, j) });
		i = j;
	}
	return out;
}

function expectedFromIr(dump) {
	const ins = [];
	for (const line of dump.split('\n')) {
		if (!line) continue;
		const st = /^stage (\S+) FROM (\S+) \([^)]*\)( platform=(\S+))?/.exec(line);
		if (st) {
			const flags = st[4] ? ['--platform=' + st[4]] : [];
			ins.push(st[1] === '(final)' ? ['FROM', ...flags, st[2]] : ['FROM', ...flags, st[2], 'AS', st[1]]);
			continue;
		}
		const m = /^  (\S+) +(\S+)(.*)$/.exec(line);
		if (!m) throw new Error('unreadable IR line: ' + line);
		const kind = m[1], toks = tokenize(m[3]);
		const kw = KEYWORDS[kind];
		const lists = toks.filter((t) => t.json !== undefined && t.key === undefined && Array.isArray(t.json));
		const strs = toks.filter((t) => t.json !== undefined && t.key === undefined && typeof t.json === 'string');
		const pairs = toks.filter((t) => t.key !== undefined && !['opts', 'needs', 'produces'].includes(t.key));
		const from = toks.find((t) => t.word && t.word.startsWith('from='));
		const opts = toks.find((t) => t.key === 'opts');
		/* RUN mounts: mount=KIND:TARGET in the dump, --mount flags in the file */
		const mounts = toks.filter((t) => t.word && t.word.startsWith('mount=')).map((t) => t.word.slice(6));
		switch (kind) {
		case 'env': case 'label':
			ins.push([kw, ...pairs.map((p) => p.key + '=')]);
			break;
		case 'arg': /* NAME="value" pairs, or bare NAMEs: a declaration */
			ins.push([kw, ...toks.filter((t) => t.key !== undefined || /^[A-Za-z_][A-Za-z0-9_]*$/.test(t.word || ''))
				.map((t) => t.key !== undefined ? t.key + '=' : t.word)]);
			break;
		case 'cmd': case 'entrypoint':
			ins.push([kw, ...lists[0].json]);
			break;
		case 'healthcheck':
			ins.push([kw, ...(opts ? opts.json : []), 'CMD', ...lists[0].json]);
			break;
		case 'copy':
			ins.push([kw, ...(from ? ['--' + from.word] : []), ...lists[0].json, strs[0].json]);
			break;
		case 'user': case 'workdir':
			ins.push([kw, strs[0].json]);
			break;
		case 'expose':
			ins.push([kw, ...lists[0].json]);
			break;
		case 'adduser': /* the family's commands: compared as shell text below */
			ins.push([kw, [], mounts]);
			break;
		case 'run': case 'packages':
			ins.push([kw, lists[0] ? lists[0].json : [], mounts]); /* shell text: compared below */
			break;
		default:
			throw new Error('unknown step kind ' + kind);
		}
	}
	return ins;
}

function same(a, b) {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}

let pass = 0, fail = 0;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stagec-injection-'));
for (const spec of specs) {
	/* with the comments (each step's reason on a line before it) and without */
	for (const variant of [[], ['--single-stage'], ['--base', 'debian'], ['--single-stage', '--base', 'debian'],
		['--no-comments'], ['--no-comments', '--single-stage']]) {
		const name = `${path.basename(spec)} ${variant.join(' ') || '(multi-stage)'}`;
		const problems = [];
		try {
			const dump = execFileSync(stagec, [...variant, '--dump-ir', spec], { encoding: 'utf8' });
			const file = path.join(tmp, 'Dockerfile');
			fs.writeFileSync(file, execFileSync(stagec, [...variant, spec]));
			/* instructions.js escapes \, tab and newline in each field */
			const unesc = (f) => f.replace(/\\(.)/g, (_, c) => ({ t: '\t', n: '\n', r: '\r' })[c] || c);
			const parsed = execFileSync('node', [instructionsJs, file], { encoding: 'utf8' })
				.split('\n').filter((l) => l).map((l) => l.split('\t').map(unesc));
			const want = expectedFromIr(dump);
			if (want.length !== parsed.length)
				problems.push(`${parsed.length} instructions parsed, ${want.length} in the IR`);
			/* the flags, as dockerfile-ast reads them */
			parseDockerfile(fs.readFileSync(file, 'utf8')).df.getInstructions().forEach((ins, i) => {
				const kw = ins.getKeyword().toUpperCase();
				for (const f of typeof ins.getFlags === 'function' ? ins.getFlags() : [])
					if (!flagAllowed(kw, f.toString()))
						problems.push(`instruction ${i + 1} ${kw}: the flag ${f} is not in specs/emitted-flags.txt`);
			});
			for (let i = 0; i < Math.min(want.length, parsed.length); i++) {
				const w = want[i], p = parsed[i];
				if (w[0] !== p[0]) { problems.push(`instruction ${i + 1}: ${p[0]} parsed, ${w[0]} meant`); continue; }
				if (w[0] === 'RUN') {
					const cmds = w[1];
					/* the leading --mount flags are the IR's mounts, in order */
					const q = p.slice(1), flags = [];
					while (q.length && q[0].startsWith('--mount='))
						flags.push(q.shift());
					const got = flags.map((f) => {
						const o = Object.fromEntries(f.slice(8).split(',').map((kv) => kv.split('=')));
						/* as ir_dump writes it: KIND:TARGET[,id=ID][,source=S][,locked][,required] */
						return `${o.type}:${o.target}` + (o.id ? `,id=${o.id}` : '') +
							(o.source ? `,source=${o.source}` : '') + (o.sharing === 'locked' ? ',locked' : '') +
							('required' in o ? ',required' : '');
					});
					if (!same(got, w[2]))
						problems.push(`instruction ${i + 1} RUN: mounts ${got} parsed, ${w[2]} meant`);
					const exec = q.length === 3 && q[0] === '/bin/sh' && q[1] === '-ec';
					const text = exec ? q[2] : q.join(' ');
					const meant = cmds.join(' && ');
					const norm = (s) => s.replace(/\s+/g, ' ').trim();
					if (w.length && cmds.length && (exec ? text !== meant : norm(text).replace(/\\/g, '') !== norm(meant).replace(/\\/g, '')) &&
						!/^(apt-get update|apk add|groupadd|addgroup)/.test(text))
						problems.push(`instruction ${i + 1} RUN: parsed ${JSON.stringify(text)}, meant ${JSON.stringify(meant)}`);
					continue;
				}
				if (w[0] === 'ENV' || w[0] === 'LABEL' || w[0] === 'ARG') {
					const names = p.slice(1).map((a) => a.includes('=') ? a.slice(0, a.indexOf('=') + 1) : a);
					if (!same(names, w.slice(1)))
						problems.push(`instruction ${i + 1} ${w[0]}: names ${names} parsed, ${w.slice(1)} meant`);
					continue;
				}
				if (!same(w, p))
					problems.push(`instruction ${i + 1}: parsed ${JSON.stringify(p)}, meant ${JSON.stringify(w)}`);
			}
		} catch (e) {
			/* a language Debian 12 does not ship (.NET) is refused with --base debian */
			if (variant.includes('debian') && e.status === 1 && /has no 'debian' base/.test(String(e.stderr))) {
				pass++;
				console.log(`ok - ${name} (refused: no debian base)`);
				continue;
			}
			problems.push(String(e.message || e).split('\n')[0]);
		}
		if (problems.length) {
			fail++;
			console.log(`not ok - ${name}`);
			for (const p of problems) console.log(`#   ${p}`);
		} else {
			pass++;
			console.log(`ok - ${name}`);
		}
	}
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`injection: ${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
