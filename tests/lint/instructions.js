#!/usr/bin/env node
// instructions.js FILE: print the instructions of a Dockerfile as
// dockerfile-ast parses them, one per line:
//     KEYWORD<TAB>field<TAB>field...
// so tests can check that an emitted Dockerfile holds exactly the
// instructions the compiler meant (nothing added, nothing split). FROM lines
// mark the stage boundaries. Fields, in order:
//   - flags first, as written (`--from=builder`, `--mount=type=cache,...`);
//   - JSON (exec) form: each array element, decoded. dockerfile-ast finds
//     the elements and their source ranges; each element's source text is
//     decoded with JSON.parse, because dockerfile-ast 0.7.1's own
//     getJSONValue() drops spaces and mangles escapes such as \n and \u00e9.
//     If dockerfile-ast's view and JSON.parse of the whole argument text
//     disagree, the script says so on stderr and exits 2;
//   - ENV, LABEL, ARG: one field per property, `name=value` with the value
//     as dockerfile-ast unquotes it (`name value` for the legacy
//     `ENV name value` form, `name` for an ARG without default);
//   - HEALTHCHECK: flags, then CMD (or NONE), then the command's JSON
//     elements decoded with JSON.parse when it is in exec form;
//   - anything else: dockerfile-ast's argument splitting (getArguments()),
//     which splits on whitespace, not on shell quoting.
// Tabs and newlines inside a field are printed as \t and \n.
// Assumes: `npm ci` has been run in this directory.
'use strict';

const fs = require('fs');
const { parse, argumentText, joinContinuations, execForm } = require('./dockerfile-text');

const esc = (s) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

function fields(doc, ins) {
    const out = [];
    if (typeof ins.getFlags === 'function') {
        for (const f of ins.getFlags()) out.push(f.toString());
    }
    const kw = ins.getKeyword();
    if (typeof ins.getJSONStrings === 'function' && ins.getOpeningBracket() && ins.getClosingBracket()) {
        const astView = ins.getJSONStrings().map((j) => {
            const r = j.getRange();
            return JSON.parse(doc.text.slice(doc.offsetAt(r.start), doc.offsetAt(r.end)));
        });
        const dockerView = execForm(argumentText(doc, ins));
        if (dockerView === null || JSON.stringify(dockerView) !== JSON.stringify(astView)) {
            throw new Error(`line ${ins.getRange().start.line + 1}: dockerfile-ast reads ${kw} as JSON ${JSON.stringify(astView)} but JSON.parse gives ${JSON.stringify(dockerView)}`);
        }
        return out.concat(astView);
    }
    if (typeof ins.getProperties === 'function' && (kw === 'ENV' || kw === 'LABEL' || kw === 'ARG')) {
        for (const p of ins.getProperties()) {
            const op = typeof p.getAssignmentOperator === 'function' ? p.getAssignmentOperator() : '=';
            const v = p.getValue();
            out.push(v === null ? p.getName() : p.getName() + (op === '=' ? '=' : ' ') + v);
        }
        return out;
    }
    const args = ins.getArguments();
    if (kw === 'HEALTHCHECK' && args.length > 1) {
        // HEALTHCHECK [flags] CMD <command>: the command may be exec form
        const rest = doc.text.slice(doc.offsetAt(args[1].getRange().start), doc.offsetAt(ins.getRange().end));
        const v = execForm(joinContinuations(rest, doc.escape));
        if (v !== null) return out.concat([args[0].getValue()], v);
    }
    return out.concat(args.map((a) => a.getValue()));
}

function main(argv) {
    if (argv.length !== 1) {
        process.stderr.write('usage: instructions.js FILE\n');
        return 2;
    }
    const doc = parse(fs.readFileSync(argv[0], 'utf8'));
    const lines = [];
    try {
        for (const ins of doc.df.getInstructions()) {
            lines.push([ins.getKeyword()].concat(fields(doc, ins)).map(esc).join('\t'));
        }
    } catch (e) {
        process.stderr.write(`instructions.js: ${argv[0]}: ${e.message}\n`);
        return 2;
    }
    process.stdout.write(lines.map((l) => l + '\n').join(''));
    return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
