// dockerfile-text.js: small helpers shared by check.js and instructions.js.
// It parses a Dockerfile with dockerfile-ast (pinned in package.json) and
// recovers the exact source text of an instruction's arguments from the
// ranges dockerfile-ast reports, joining continuation lines the way the
// Docker builder does (a line ending in the escape character continues;
// comment lines and blank lines inside a continued instruction are dropped).
// Assumes: UTF-8 input, LF or CRLF line ends, positions in UTF-16 code
// units (as both dockerfile-ast and JavaScript strings use).
'use strict';

const { DockerfileParser } = require('dockerfile-ast');

function parse(text) {
    const df = DockerfileParser.parse(text);
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
        if (text[i] === '\n') lineStarts.push(i + 1);
    }
    const offsetAt = (pos) => lineStarts[pos.line] + pos.character;
    return { df, text, offsetAt, escape: df.getEscapeCharacter() };
}

// The arguments of an instruction (flags excluded) as one logical line.
function argumentText(doc, instruction) {
    const args = instruction.getArguments();
    if (args.length === 0) return '';
    const start = doc.offsetAt(args[0].getRange().start);
    const end = doc.offsetAt(instruction.getRange().end);
    return joinContinuations(doc.text.slice(start, end), doc.escape);
}

function joinContinuations(raw, escapeChar) {
    const lines = raw.split('\n').map((l) => l.replace(/\r$/, ''));
    const esc = escapeChar === '`' ? '`' : '\\\\';
    const cont = new RegExp(esc + '[ \\t]*$');
    let out = '';
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (i > 0 && (/^\s*#/.test(line) || /^\s*$/.test(line))) continue;
        if (cont.test(line)) {
            out += line.replace(cont, '');
        } else {
            out += line;
            break;
        }
    }
    return out.trim();
}

// Parse an exec-form argument list the way the Docker builder decides
// between the two forms: the whole argument text must be a JSON array of
// strings, otherwise it is shell form. Returns the array or null.
function execForm(text) {
    if (!text.startsWith('[')) return null;
    try {
        const v = JSON.parse(text);
        if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
    } catch (e) {
        // falls through: not valid JSON, Docker treats it as shell form
    }
    return null;
}

module.exports = { parse, argumentText, joinContinuations, execForm };
