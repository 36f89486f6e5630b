#!/usr/bin/env node
// check.js FILE...: the independent second opinion on Dockerfiles emitted by
// stagec. For each file it (a) runs dockerfile-utils' validator with its
// default settings and fails on every diagnostic of severity error or
// warning, and (b) checks the house rules listed in HOUSE RULES below,
// failing on each breach. Problems print as `FILE:LINE:COL: message [source]`
// (1-based), each file ends with `FILE: ok` or `FILE: N problem(s)`, and the
// last line is `lint: N passed, N failed` (counted per file). Exit 0 when
// every file is clean, 1 otherwise, 2 on bad usage.
// Assumes: node >= 18 and `npm ci` has been run in this directory. The RUN
// checks read shell form with a small POSIX-ish tokenizer (quotes, `&&`,
// `||`, `;`, `|`, `&`, newlines, `(`...`)`); commands hidden inside
// `sh -c "..."`, `$(...)`, heredocs or variables are not looked into, except
// by the pipe rule (DL4006), which finds pipes inside `$(...)` and
// backquotes too.
'use strict';

const fs = require('fs');
const { validate } = require('dockerfile-utils');
const { parse, argumentText, execForm } = require('./dockerfile-text');

// ---------------------------------------------------------------- shell --

// Split shell text into simple commands: [{ words: [{ v, quoted }] }].
function shellCommands(text) {
    const cmds = [];
    let words = [];
    let cur = null; // { v, quoted }
    let depth = 0; // inside $( ... )
    const endWord = () => { if (cur !== null) { words.push(cur); cur = null; } };
    const endCmd = () => { endWord(); if (words.length) cmds.push({ words }); words = []; };
    const add = (ch, quoted) => {
        if (cur === null) cur = { v: '', quoted: false };
        cur.v += ch;
        if (quoted) cur.quoted = true;
    };
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '\\') { add(text[i + 1] || '', true); i++; continue; }
        if (c === "'") {
            const j = text.indexOf("'", i + 1);
            const end = j < 0 ? text.length : j;
            if (cur === null) cur = { v: '', quoted: true };
            cur.v += text.slice(i + 1, end); cur.quoted = true; i = end; continue;
        }
        if (c === '"' || c === '`') {
            let j = i + 1;
            if (cur === null) cur = { v: '', quoted: true };
            cur.quoted = true;
            while (j < text.length && text[j] !== c) {
                if (text[j] === '\\' && j + 1 < text.length) { cur.v += text[j + 1]; j += 2; continue; }
                cur.v += text[j]; j++;
            }
            i = j; continue;
        }
        if (c === '$' && text[i + 1] === '(') { add('$(', false); depth++; i++; continue; }
        if (depth > 0) { if (c === ')') depth--; add(c, false); continue; }
        if (c === ' ' || c === '\t') { endWord(); continue; }
        if (c === '#' && cur === null) { // comment to end of line
            while (i < text.length && text[i] !== '\n') i++;
            endCmd(); continue;
        }
        if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
            // `&` in redirections (2>&1, &>file) belongs to the word
            if (c === '&' && (text[i + 1] === '>' || (cur && /[<>]$/.test(cur.v)))) { add(c, false); continue; }
            endCmd();
            if ((c === '&' || c === '|' || c === ';') && text[i + 1] === c) i++;
            continue;
        }
        add(c, false);
    }
    endCmd();
    // Drop leading reserved words and env assignments so words[0] is the
    // command name.
    const reserved = new Set(['{', '}', '!', 'if', 'then', 'else', 'elif', 'do', 'while', 'until', 'exec', 'time']);
    for (const cmd of cmds) {
        let k = 0;
        while (k < cmd.words.length) {
            const w = cmd.words[k];
            if (!w.quoted && reserved.has(w.v)) { k++; continue; }
            if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.v)) { k++; continue; }
            break;
        }
        cmd.words = cmd.words.slice(k);
    }
    return cmds.filter((c) => c.words.length > 0);
}

const base = (w) => w.v.replace(/^.*\//, '');

// The offset of the first pipe (`|` or `|&`; `||` is none) in shell text,
// or -1: outside quotes, or inside a `$(...)` or backquoted
// command substitution, also within double quotes. A `|` in a `case`
// pattern is counted as well (stagec writes none).
function firstPipe(text) {
    const stack = ['top']; // 'top' | 'sub' ($(...)) | 'dq' ("...") | 'bq' (`...`)
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        const ctx = stack[stack.length - 1];
        if (c === '\\') { i++; continue; }
        if (ctx === 'dq') {
            if (c === '"') stack.pop();
            else if (c === '$' && text[i + 1] === '(') { stack.push('sub'); i++; }
            else if (c === '`') stack.push('bq');
            continue;
        }
        if (c === "'") { const j = text.indexOf("'", i + 1); i = j < 0 ? text.length : j; continue; }
        if (c === '"') { stack.push('dq'); continue; }
        if (c === '`') { if (ctx === 'bq') stack.pop(); else stack.push('bq'); continue; }
        if (c === '$' && text[i + 1] === '(') { stack.push('sub'); i++; continue; }
        if (c === '(' && ctx === 'sub') { stack.push('sub'); continue; }
        if (c === ')' && ctx === 'sub') { stack.pop(); continue; }
        if (c === '|') {
            if (text[i + 1] === '|') { i++; continue; }
            if (text[i - 1] === '>') continue; // `>|` redirection
            return i;
        }
    }
    return -1;
}

// Whether shell text sets pipefail (`set -o pipefail`, `set -euo pipefail`)
// before offset `limit`.
function setsPipefail(text, limit) {
    const re = /(^|[;&|(\s])set\s+(?:-[A-Za-z]+\s+)*-[A-Za-z]*o\s+pipefail\b/g;
    let m;
    while ((m = re.exec(text)) !== null) if (m.index < limit) return true;
    return false;
}

// Whether a SHELL instruction's exec form turns pipefail on.
function shellHasPipefail(args) {
    return args.some((a, k) => /^-[A-Za-z]*o$/.test(a) && args[k + 1] === 'pipefail');
}

function isAptGetInstall(cmd) {
    return base(cmd.words[0]) === 'apt-get' && cmd.words.some((w, k) => k > 0 && w.v === 'install');
}

function pipInstallArgs(cmd) {
    const w = cmd.words;
    let rest = null;
    if (/^pip[0-9.]*$/.test(base(w[0]))) rest = w.slice(1);
    else if (/^python[0-9.]*$/.test(base(w[0]))) {
        const m = w.findIndex((x, k) => x.v === '-m' && w[k + 1] && w[k + 1].v === 'pip');
        if (m >= 0) rest = w.slice(m + 2);
    }
    if (rest && rest.some((x) => x.v === 'install')) return rest;
    return null;
}

function removesAptLists(cmd) {
    if (base(cmd.words[0]) !== 'rm') return null;
    let r = false; let f = false; let target = null;
    for (const w of cmd.words.slice(1)) {
        if (w.v === '--recursive') r = true;
        else if (w.v === '--force') f = true;
        else if (/^-[a-zA-Z]+$/.test(w.v)) { if (/[rR]/.test(w.v)) r = true; if (/f/.test(w.v)) f = true; }
        else if (w.v.replace(/\/+$/, '') === '/var/lib/apt/lists/*') target = w;
    }
    if (!target) return null;
    return { ok: r && f && !target.quoted, quoted: target.quoted, rf: r && f };
}

// The targets of a RUN's cache mounts (--mount=type=cache,target=PATH).
function cacheMountTargets(ins) {
    const targets = [];
    for (const flag of ins.getFlags()) {
        if (flag.getName() !== 'mount') continue;
        const opts = flag.getOptions();
        const opt = (name) => { const o = opts.find((x) => x.getName() === name); return o ? o.getValue() : null; };
        if (opt('type') !== 'cache') continue;
        const t = opt('target') || opt('dst') || opt('destination');
        if (t) targets.push(t.replace(/\/+$/, ''));
    }
    return targets;
}

// ---------------------------------------------------------- house rules --

function houseRules(doc, report) {
    const { df, text } = doc;
    const instructions = df.getInstructions();
    const at = (ins) => ins.getRange().start;

    // no `# syntax=` directive (nor a line that looks like one anywhere)
    text.split('\n').forEach((line, n) => {
        if (/^\s*#\s*syntax\s*=/i.test(line)) {
            report({ line: n, character: 0 }, 'syntax directive `# syntax=` is not allowed', 'house:syntax');
        }
    });

    // stages: names and indices
    const froms = instructions.filter((i) => i.getKeyword() === 'FROM');
    const stageNames = froms.map((f) => (f.getBuildStage() || '').toLowerCase() || null);
    const globalArgs = {};
    for (const a of df.getInitialARGs()) {
        const p = a.getProperty();
        if (p) globalArgs[p.getName()] = p.getValue();
    }
    const expand = (s) => s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
        (m, a, dflt, b) => { const n = a || b; return n in globalArgs && globalArgs[n] !== null ? globalArgs[n] : (dflt !== undefined ? dflt : m); });

    // stage reference: number or name -> 'ok' | explanation
    const stageRef = (ref, current) => {
        const r = ref.toLowerCase();
        let idx = -1;
        if (/^\d+$/.test(r)) idx = parseInt(r, 10);
        else idx = stageNames.indexOf(r);
        if (idx < 0 || idx >= froms.length) return `"${ref}" is not a build stage of this Dockerfile`;
        if (idx === current) return `"${ref}" is the current stage itself`;
        if (idx > current) return `"${ref}" is a later stage (stage ${idx})`;
        return 'ok';
    };

    let stage = -1;
    let pipefailShell = false; // SHELL with -o pipefail in the current stage
    for (const ins of instructions) {
        const kw = ins.getKeyword();
        if (kw === 'FROM') {
            stage++;
            pipefailShell = false;
            const arg = ins.getArguments()[0];
            if (!arg) continue;
            const raw = arg.getValue();
            const image = expand(raw);
            if (image.includes('$')) {
                report(at(ins), `FROM image "${raw}" uses a variable that cannot be resolved; cannot check its tag`, 'house:from-tag');
                continue;
            }
            const lower = image.toLowerCase();
            if (lower === 'scratch') continue;
            const named = stageNames.indexOf(lower);
            if (named >= 0 && named < stage) continue; // earlier stage
            const digest = image.includes('@');
            const last = image.split('@')[0].split('/').pop();
            const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : null;
            if (named >= stage) {
                report(at(ins), `FROM "${image}" names ${named === stage ? 'its own stage' : 'a later stage'}, not an earlier one`, 'house:from-tag');
            } else if (tag === 'latest') {
                report(at(ins), `FROM image "${image}" uses the :latest tag; pin a version tag or digest`, 'house:from-tag');
            } else if (!tag && !digest) {
                report(at(ins), `FROM image "${image}" has no tag; pin a version tag or digest`, 'house:from-tag');
            }
            continue;
        }
        if (kw === 'WORKDIR') {
            const dir = argumentText(doc, ins).replace(/^(["'])(.*)\1$/, '$2');
            if (!dir.startsWith('/')) {
                report(at(ins), `WORKDIR "${dir}" is not absolute`, 'house:workdir');
            }
        }
        if (kw === 'ADD') {
            report(at(ins), 'ADD is not allowed; use COPY', 'house:add');
        }
        if (kw === 'CMD' || kw === 'ENTRYPOINT') {
            const t = argumentText(doc, ins);
            const v = execForm(t);
            if (v === null || v.length === 0) {
                const why = t.startsWith('[') ? 'is not a valid JSON array of strings' : 'is in shell form';
                report(at(ins), `${kw} ${why}; use exec form (JSON array)`, 'house:exec-form');
            }
        }
        if (kw === 'COPY' || kw === 'RUN') {
            for (const flag of ins.getFlags()) {
                let ref = null;
                if (kw === 'COPY' && flag.getName() === 'from') ref = flag.getValue();
                if (kw === 'RUN' && flag.getName() === 'mount') {
                    const o = flag.getOptions().find((x) => x.getName() === 'from');
                    if (o) ref = o.getValue();
                }
                if (ref === null) continue;
                const why = stageRef(ref || '', stage);
                if (why !== 'ok') {
                    const what = kw === 'COPY' ? 'COPY --from' : 'RUN --mount=from';
                    report(flag.getRange().start, `${what}=${ref} must name an earlier stage: ${why}`, 'house:stage-ref');
                }
            }
        }
        if (kw === 'SHELL') {
            pipefailShell = shellHasPipefail(execForm(argumentText(doc, ins)) || []);
        }
        if (kw === 'RUN') {
            const t = argumentText(doc, ins);
            if (execForm(t) !== null) continue; // exec-form RUN: no shell
            // DL4006: a pipeline's status is its last command's, so a failure
            // before a pipe passes unnoticed unless pipefail is on
            const pipe = firstPipe(t);
            if (pipe >= 0 && !pipefailShell && !setsPipefail(t, pipe)) {
                report(at(ins), 'RUN uses a pipe without pipefail, so a failing command before `|` is ignored; '
                    + 'avoid the pipe, start the RUN with `set -o pipefail &&` (bash; Debian\'s dash has no pipefail), '
                    + 'or set SHELL ["/bin/bash", "-o", "pipefail", "-c"] [DL4006]', 'house:pipefail');
            }
            const cmds = shellCommands(t);
            // a cache mount keeps pip's cache or apt's lists out of the
            // layer: the step is right without --no-cache-dir or rm -rf
            const caches = cacheMountTargets(ins);
            const pipCached = caches.some((c) => /\/\.cache\/pip$/.test(c));
            const aptCached = caches.includes('/var/lib/apt/lists');
            let lastInstall = -1;
            cmds.forEach((cmd, k) => {
                const name = cmd.words[0].v;
                if (name === 'cd') {
                    report(at(ins), 'RUN uses `cd` as a command; use WORKDIR instead', 'house:no-cd');
                }
                if (isAptGetInstall(cmd)) {
                    lastInstall = k;
                    const vs = cmd.words.map((w) => w.v);
                    const yes = vs.some((v) => v === '-y' || v === '--yes' || v === '--assume-yes' || /^-[a-zA-Z]*y[a-zA-Z]*$/.test(v));
                    if (!yes) report(at(ins), 'apt-get install without -y', 'house:apt');
                    if (!vs.includes('--no-install-recommends')) report(at(ins), 'apt-get install without --no-install-recommends', 'house:apt');
                }
                const pip = pipInstallArgs(cmd);
                if (pip && !pipCached && !pip.some((w) => w.v === '--no-cache-dir')) {
                    report(at(ins), `pip install without --no-cache-dir (${cmd.words.map((w) => w.v).join(' ')})`, 'house:pip');
                }
            });
            if (lastInstall >= 0 && !aptCached) {
                const rms = cmds.slice(lastInstall + 1).map(removesAptLists).filter(Boolean);
                if (!rms.some((r) => r.ok)) {
                    let detail = 'add `&& rm -rf /var/lib/apt/lists/*` after the install';
                    if (rms.some((r) => r.quoted)) detail = 'the path is quoted, so the glob is not expanded';
                    else if (rms.length) detail = 'use rm -rf';
                    report(at(ins), `apt-get install RUN does not remove /var/lib/apt/lists/* (${detail})`, 'house:apt');
                }
            }
        }
    }

    // the final stage's last USER exists and is not root
    if (froms.length > 0) {
        const lastFrom = froms[froms.length - 1];
        const users = instructions.filter((i) => i.getKeyword() === 'USER' && i.getRange().start.line > lastFrom.getRange().start.line);
        if (users.length === 0) {
            report(at(lastFrom), 'final stage has no USER; it must switch to a non-root user', 'house:user');
        } else {
            const u = users[users.length - 1];
            const who = argumentText(doc, u);
            const name = who.split(':')[0];
            if (name === 'root' || name === '0') {
                report(at(u), `final stage runs as root (USER ${who})`, 'house:user');
            }
        }
    }
}

// ----------------------------------------------------------------- main --

function checkFile(file) {
    const problems = [];
    let text;
    try {
        text = fs.readFileSync(file, 'utf8');
    } catch (e) {
        return [`${file}:1:1: cannot read file: ${e.message} [io]`];
    }
    const report = (pos, message, source) => {
        problems.push({ line: pos.line, col: pos.character, text: `${file}:${pos.line + 1}:${pos.character + 1}: ${message} [${source}]` });
    };
    const sev = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };
    for (const d of validate(text)) {
        const s = sev[d.severity] || String(d.severity);
        if (d.severity === 1 || d.severity === 2) {
            report(d.range.start, d.message, `dockerfile-utils ${s} ${d.code}`);
        } else {
            process.stdout.write(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: note: ${d.message} [dockerfile-utils ${s} ${d.code}]\n`);
        }
    }
    try {
        houseRules(parse(text), report);
    } catch (e) {
        problems.push({ line: 0, col: 0, text: `${file}:1:1: internal error while checking: ${e.stack} [check.js]` });
    }
    problems.sort((a, b) => a.line - b.line || a.col - b.col);
    return problems.map((p) => p.text);
}

function main(argv) {
    if (argv.length === 0) {
        process.stderr.write('usage: check.js FILE...\n');
        return 2;
    }
    let passed = 0; let failed = 0;
    for (const file of argv) {
        const problems = checkFile(file);
        for (const p of problems) process.stdout.write(p + '\n');
        if (problems.length === 0) { passed++; process.stdout.write(`${file}: ok\n`); } else { failed++; process.stdout.write(`${file}: ${problems.length} problem(s)\n`); }
    }
    process.stdout.write(`lint: ${passed} passed, ${failed} failed\n`);
    return failed === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { shellCommands, checkFile, firstPipe };
