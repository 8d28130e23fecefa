#!/bin/sh
# Checks docs/messages.md against the code, in two ways:
#
# 1. Every message ID used in src/, sandbox/ and scripts/ has its own entry
#    (a "### ID" heading). IDs documented but no longer used are listed as
#    a note and do not fail the check (IDs are never reused).
#
# 2. Every message text the code prints is the text documented. An entry
#    documents its texts as the indented lines under its heading, one per
#    form, with the variable parts in capitals (NAME, ERRNO TEXT) or spelt
#    out (a|b|c). The code's text of a message is the format string that
#    follows its ID as the next argument (bwk_msg("ID", "format", ...),
#    also after "A" : "B"), or the rest of a literal that starts with the
#    ID and a space (fprintf's "ID %s: ..." and the shell scripts' echo
#    "ID ..."). Each conversion (%s, %u, %zu, %.*s, ...; $var and ${...}
#    in shell) stands for any text; everything else must be the same,
#    character for character:
#      - each of the code's texts must be one of the entry's forms;
#      - when every use of an ID in the code has such a text, each form of
#        its entry must be one of them (a form nothing prints is stale);
#      - an entry of an ID the code uses gives at least one form.
#    The functions in $printers print their format as the whole text. The
#    format after an ID anywhere else (setwhy(..., "ID", "format"), a
#    table's { "ID", "reason" }) is part of a text another call prints
#    around it, and must be found inside one of the entry's forms. An ID
#    the code computes (id = "BWK0322E", with the text elsewhere) is checked
#    only in the first way, and counted in the summary.
#
# Prints every mismatch and exits 1 when there are any; exits 0 otherwise.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
doc=docs/messages.md
pattern='BWK[0-9]{4}[IWE]'

[ -f "$doc" ] || { echo "check-messages: $doc is missing" >&2; exit 2; }
used=$(grep -rhoE "$pattern" src sandbox scripts | sort -u)
documented=$(grep -oE "^### $pattern" "$doc" | sed 's/^### //' | sort -u)

missing=$(printf '%s\n' "$used" | grep -vxF -e "$documented" || true)
unused=$(printf '%s\n' "$documented" | grep -vxF -e "$used" || true)

if [ -n "$unused" ]; then
	echo "check-messages: note: documented but not used in src/ or scripts/:" $unused >&2
fi
if [ -n "$missing" ]; then
	echo "check-messages: used but not documented in $doc:" >&2
	printf '  %s\n' $missing >&2
	exit 1
fi

printers='bwk_msg bwk_info bwk_vmsg fail'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The code's texts: "ID<TAB>W|P<TAB>regex" per text, "#ID<TAB>uses<TAB>texts"
# per ID. C files are read as tokens (string literals, other characters),
# comments and character constants skipped, so that adjacent literals join
# as the compiler joins them.
find src sandbox -name '*.[ch]' | sort | xargs awk -v printers="$printers" '
BEGIN {
	n = split(printers, p, " ")
	for (i = 1; i <= n; i++)
		printer[p[i]] = 1
}
function flush() {
	if (text != "")
		scan(text)
	text = ""
}
FNR == 1 { flush() }
{ text = text $0 "\n" }
END {
	flush()
	for (id in uses)
		printf "#%s\t%d\t%d\n", id, uses[id], texts[id]
}

# The C tokens of t into tok[] and kind[] ("s" literal, "i" identifier or
# number, "o" other).
function scan(t,    n, i, c, d, s, k) {
	split("", tok)
	split("", kind)
	n = length(t)
	k = 0
	for (i = 1; i <= n; i++) {
		c = substr(t, i, 1)
		d = substr(t, i + 1, 1)
		if (c == "/" && d == "*") {
			i = index(substr(t, i + 2), "*/") + i + 2
			continue
		}
		if (c == "/" && d == "/") {
			i = index(substr(t, i), "\n") + i - 1
			continue
		}
		if (c == "\047") {	# a character constant
			for (i++; i <= n && substr(t, i, 1) != "\047"; i++)
				if (substr(t, i, 1) == "\\")
					i++
			kind[++k] = "o"; tok[k] = "c"
			continue
		}
		if (c == "\"") {
			s = ""
			for (i++; i <= n && (c = substr(t, i, 1)) != "\""; i++) {
				if (c == "\\") {
					d = substr(t, ++i, 1)
					c = d == "n" ? "\n" : d == "t" ? "\t" : d
				}
				s = s c
			}
			kind[++k] = "s"; tok[k] = s
			continue
		}
		if (c ~ /[ \t\n]/)
			continue
		if (c ~ /[A-Za-z0-9_]/) {
			for (s = c; (d = substr(t, i + 1, 1)) ~ /[A-Za-z0-9_]/; i++)
				s = s d
			kind[++k] = "i"; tok[k] = s
			continue
		}
		kind[++k] = "o"; tok[k] = c
	}
	pairs(k)
}

# The literals from tok[j] on, joined; nj is where they end.
function joined(j,    s) {
	s = ""
	for (; j <= ntok && kind[j] == "s"; j++)
		s = s tok[j]
	nj = j
	return s
}

# The function whose argument tok[j] is: the name before the unmatched
# "(" on its left, or "" when tok[j] is the argument of no call (a table).
function callee(j,    depth) {
	for (depth = 0; --j > 0; ) {
		if (tok[j] == ")")
			depth++
		else if (tok[j] == "(" && depth-- == 0)
			return kind[j - 1] == "i" ? tok[j - 1] : ""
		else if (depth == 0 && (tok[j] == ";" || tok[j] == "{" ||
		    tok[j] == "}"))
			return ""
	}
	return ""
}

function isid(s) {
	return s ~ /^BWK[0-9][0-9][0-9][0-9][IWE]$/
}

function pairs(n,    j, id, f) {
	ntok = n
	for (j = 1; j <= n; j++) {
		if (kind[j] != "s")
			continue
		if (isid(tok[j])) {
			id = tok[j]
			uses[id]++
			f = ""
			if (tok[j + 1] == "," && kind[j + 2] == "s")
				f = joined(j + 2)
			else if (tok[j + 1] == ":" && isid(tok[j + 2]) &&
			    tok[j + 3] == "," && kind[j + 4] == "s")
				f = joined(j + 4)	# "A" : "B", "format"
			if (f != "")
				emit(id, f, callee(j) in printer ? "W" : "P")
		} else if (tok[j] ~ /^BWK[0-9][0-9][0-9][0-9][IWE] /) {
			id = substr(tok[j], 1, 8)
			uses[id]++
			tok[j] = substr(tok[j], 10)
			emit(id, joined(j), "W")
		}
	}
}

# A format as a regex: conversions match any text, the rest itself. how
# is W for a whole text, P for a part of one.
function emit(id, f, how,    r, i, c, n) {
	sub(/\n+$/, "", f)	# the end of line printf is given
	gsub(/\n/, " ", f)	# a line break is a space in the form
	r = ""
	n = length(f)
	for (i = 1; i <= n; i++) {
		c = substr(f, i, 1)
		if (c == "%" && substr(f, i + 1, 1) == "%") {
			r = r "%"
			i++
		} else if (c == "%") {
			for (i++; i <= n && substr(f, i, 1) !~ /[diouxXeEfgGcsp]/; i++)
				;
			r = r ".*"
		} else
			r = r lit(c)
	}
	texts[id]++
	printf "%s\t%s\t%s\n", id, how, r
}

function lit(c) {
	return c ~ /[][\\^$.|()*+?{}]/ ? "\\" c : c
}
' >"$tmp/code"

# The shell scripts: echo "ID text", with $var, ${...} and $(...) as any text.
grep -rhoE "\"$pattern [^\"]*\"" scripts | awk '
{
	s = substr($0, 2, length($0) - 2)
	id = substr(s, 1, 8)
	s = substr(s, 10)
	gsub(/\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*/, "\001", s)
	gsub(/[][\\^$.|()*+?{}]/, "\\\\&", s)
	gsub(/\001/, ".*", s)
	uses[id]++
	printf "%s\tW\t%s\n", id, s
}
END { for (id in uses) printf "#%s\t%d\t%d\n", id, uses[id], uses[id] }
' >>"$tmp/code"

# The documented forms: "ID<TAB>form" per indented line under a heading.
awk '
/^### BWK[0-9][0-9][0-9][0-9][IWE]/ { id = substr($0, 5, 8); inform = 1; next }
/^#/ || /^\*\*/ { inform = 0; next }
inform && /^    / { sub(/^    /, ""); sub(/[ \t]+$/, ""); print id "\t" $0 }
' "$doc" >"$tmp/doc"

awk -F '\t' '
FILENAME == ARGV[1] && /^#/ {
	id = substr($1, 2)
	whole[id] = $2 == $3	# every use of the ID has its text here
	next
}
FILENAME == ARGV[1] {
	nc[$1]++
	code[$1, nc[$1]] = $2 == "W" ? "^" $3 "$" : $3
	ntexts++
	next
}
{ nd[$1]++; doc[$1, nd[$1]] = $2 }
END {
	bad = 0
	for (key in code) {
		split(key, k, SUBSEP)
		id = k[1]
		ok = 0
		for (i = 1; i <= nd[id]; i++)
			if (doc[id, i] ~ code[key])
				ok = 1
		if (nd[id] == 0 && !(id in nodoc)) {
			nodoc[id] = 1
			printf "check-messages: %s: its entry gives no text\n", id
			bad++
		} else if (!ok && nd[id] > 0) {
			printf "check-messages: %s: the code prints a text its entry does not give: /%s/\n", id, code[key]
			bad++
		}
	}
	for (key in doc) {
		split(key, k, SUBSEP)
		id = k[1]
		if (!(id in whole) || !whole[id])
			continue
		ok = 0
		for (i = 1; i <= nc[id]; i++)
			if (doc[key] ~ code[id, i])
				ok = 1
		if (!ok) {
			printf "check-messages: %s: documented text that no code prints: %s\n", id, doc[key]
			bad++
		}
	}
	for (id in whole)
		if (!whole[id])
			partial++
	printf "%d %d %d\n", ntexts, partial, bad >"/dev/stderr"
	exit bad > 0
}
' "$tmp/code" "$tmp/doc" 2>"$tmp/sum" >"$tmp/out" || {
	sort "$tmp/out" >&2
	echo "check-messages: $(tail -1 "$tmp/sum" | cut -d' ' -f3) texts differ from $doc" >&2
	exit 1
}
set -- $(tail -1 "$tmp/sum")
echo "check-messages: all $(printf '%s\n' "$used" | wc -l | tr -d ' ') message IDs are documented in $doc, and its texts are the code's ($1 texts compared; $2 IDs whose text the code computes checked one way)"
