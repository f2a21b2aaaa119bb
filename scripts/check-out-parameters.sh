#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Errors travel one way: a function returns a Result (or a ResultOf<T> with its
# value), never an error, and never its value, through an out-parameter. Fails,
# naming each line, on
#   1. a parameter that is a QString* for an error (error, why, problem, reason,
#      message), any Result*, or a Result& that is not const (anywhere in src/);
#   2. a function returning Result (the form without a value) with a parameter
#      that is an output: a non-const pointer or a non-const lvalue reference.
#      What the function makes comes back in a ResultOf<T> instead (a struct when
#      it is several things). The rule, exactly: the function's return type is the
#      word Result (not ResultOf<...>), written at the start of its declaration or
#      definition (after static, virtual, inline, friend or [[nodiscard]]), or as a
#      lambda's or function's trailing "-> Result"; each parameter is read with its
#      template arguments and default value left out, and is an output when a "*"
#      or a single "&" follows its type and no "const" comes before that "*" or
#      "&". Not outputs: const T* and T const& (inputs), T&& (moved in), a by-value
#      QList<T*> or std::function<void(T*)>, and a pointer to a C library's opaque
#      handle, libgit2's git_* (libgit2 takes them non-const even to read). An
#      in-out parameter is an output too: return the new value.
#   scripts/check-out-parameters.sh [ROOT]    (default: the checkout this script is in)
#   scripts/check-out-parameters.sh --self-test
set -euo pipefail

if [ "${1:-}" = --self-test ]; then
    # A tree with one of each wrong shape and the right ones beside them: exactly the wrong lines are named.
    tree=$(mktemp -d)
    trap 'rm -rf "$tree"' EXIT
    mkdir -p "$tree/src/core"
    cat >"$tree/src/core/Planted.h" <<'EOF'
#include "Result.h"
Result open(const QString& dir, Experiment* experiment);
Result load(const QString& dir,
            DeploymentState& state);
static Result choose(const QList<int>& wanted, QList<int>* positions = nullptr);
[[nodiscard]] virtual Result configuration(const State& s, QJsonObject *config) const;
Result pointerItselfConst(Machine* const machine);
Result save(const QString& dir) const;
Result write(const QByteArray& data, const Thing* thing, QString const& name, Foo&& sink);
Result look(git_repository* repo, const QString& spec);
Result each(QList<Foo*> items, std::function<void(Bar*)> then, const QMap<QString, Baz*>& map);
ResultOf<QString> restore(const Entry& entry);
QString describe(Experiment* experiment);
// Result old(Experiment* experiment);
/* Result older(Experiment* experiment); */
bool parse(const QByteArray& text, QString* error);
void run(Result* result);
void keep(Result& result);
void read(const Result& result);
EOF
    cat >"$tree/src/core/Planted.cpp" <<'EOF'
#include "Planted.h"
Result Thing::commitPaths(const QStringList& paths, const QString& message,
                          QString* commit)
{
    auto capture = [](const Command& command, QStringList* lines) -> Result { return Result::ok(); };
    auto fine = [](const Command& command) -> Result { return Result::ok(); };
    auto alsoFine = [](QStringList* lines) -> ResultOf<int> { return 1; };
    Result made = Result::ok();
    return made;
}
EOF
    out=$("$0" "$tree" 2>&1) && { echo "FAIL: the self-test's tree passed"; exit 1; }
    got=$(printf '%s\n' "$out" | grep -Eo '^src/[^:]+:[0-9]+' | sort -u | tr '\n' ' ')
    want="src/core/Planted.cpp:2 src/core/Planted.cpp:5 src/core/Planted.h:16 src/core/Planted.h:17 "
    want+="src/core/Planted.h:18 src/core/Planted.h:2 src/core/Planted.h:3 src/core/Planted.h:5 "
    want+="src/core/Planted.h:6 src/core/Planted.h:7 "
    if [ "$got" != "$want" ]; then
        printf 'FAIL: the self-test named\n  %s\ninstead of\n  %s\n%s\n' "$got" "$want" "$out"
        exit 1
    fi
    echo "self-test: the ten wrong lines named, the right ones left alone"
    exit 0
fi

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
failures=0
patterns=(
    # QString* error, QString *why, QString* splitError ...
    'QString[[:space:]]*\*[[:space:]]*[A-Za-z_]*([Ee]rror|[Ww]hy|[Pp]roblem|[Rr]eason|[Mm]essage)[[:space:]]*[,)=]'
    # Result* error
    '[(,][[:space:]]*Result[[:space:]]*\*'
    # Result& error (a const Result& is an input)
    '[(,][[:space:]]*Result[[:space:]]*&[[:space:]]*[A-Za-z_]+[[:space:]]*[,)=]'
)
for pattern in "${patterns[@]}"; do
    if hits=$(grep -rnIE --include='*.cpp' --include='*.h' "$pattern" src); then
        echo "FAIL: an error out-parameter; return a Result or a ResultOf<T> (src/core/Result.h) instead:" >&2
        echo "$hits" >&2
        failures=1
    fi
done

# Rule 2: a Result function's outputs (see the header).
mapfile -t files < <(find src -type f \( -name '*.cpp' -o -name '*.h' \) | sort)
if [ "${#files[@]}" -gt 0 ] && hits=$(perl -e '
    use strict;
    use warnings;
    my $found = 0;
    for my $file (@ARGV) {
        open(my $fh, "<", $file) or die "$file: $!\n";
        my $text = do { local $/; <$fh> };
        close $fh;
        # Comments blanked, lines kept (so line numbers stay right).
        $text =~ s{//[^\n]*}{" " x length($&)}ge;
        $text =~ s{/\*.*?\*/}{my $c = $&; $c =~ s/[^\n]/ /g; $c}gse;
        my $params = qr/(\((?:[^()]++|(?-1))*\))/;
        my @functions;
        while ($text =~ /^[ \t]*(?:(?:static|virtual|inline|friend|\[\[nodiscard\]\])\s+)*Result\s+([A-Za-z_][\w:]*)\s*$params/mg) {
            push @functions, [$-[0], $1, $2];
        }
        while ($text =~ /$params\s*(?:const\s*)?(?:mutable\s*)?(?:noexcept\s*)?->\s*Result\b/g) {
            push @functions, [$-[0], "a lambda", $1];
        }
        for my $f (@functions) {
            my ($at, $name, $list) = @$f;
            my $line = 1 + (substr($text, 0, $at) =~ tr/\n//);
            # The parameters, split at the commas outside brackets.
            my @params = ("");
            my $depth = 0;
            for my $c (split //, substr($list, 1, -1)) {
                $depth++ if $c =~ /[<(\[{]/;
                $depth-- if $c =~ /[>)\]}]/;
                if ($c eq "," && $depth == 0) { push @params, ""; next }
                $params[-1] .= $c;
            }
            for my $param (@params) {
                (my $shown = $param) =~ s/\s+/ /g;
                $shown =~ s/^ | $//g;
                my $decl = $param;
                1 while $decl =~ s/<[^<>]*>//g; # template arguments: QList<Foo*> is a value
                $decl =~ s/=.*//s; # the default value
                next unless $decl =~ /^([^*&]*?)\s*(\*|&(?!&))/;
                my $type = $1;
                next if $type !~ /[A-Za-z_]/; # not a declaration
                next if $type =~ /\bconst\b/; # an input
                next if $type =~ /^\s*git_\w+$/; # a libgit2 handle
                print "$file:$line: $name returns Result and hands a value back through \"$shown\"\n";
                $found = 1;
            }
        }
    }
    exit($found ? 0 : 1);
' "${files[@]}"); then
    echo "FAIL: a value out-parameter; return a ResultOf<T> (src/core/Result.h) instead:" >&2
    echo "$hits" >&2
    failures=1
fi
exit $failures
