#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A backend is its folder and its name in LOGISTICIAN_BACKENDS (ARCHITECTURE.md, "Adding a backend"):
# nothing else in src/ may reach into it. Fails, naming file and line, when a file outside
# src/core/deploy/backends/NAME/ (the generated registry is in the build tree, so not looked at)
#   - includes a header of that folder ("NAME/..." or "deploy/backends/NAME/..."), or
#   - compares a string with NAME as a literal ("aws" == x, x != QLatin1String("slurm")): front ends decide
#     by BackendTraits. "local" is also this machine's host address; it counts only on a line that
#     speaks of a backend.
#   check-backend-seams.sh [ROOT]    (default: the checkout this script is in)
#   check-backend-seams.sh --self-test
set -euo pipefail

if [ "${1:-}" = --self-test ]; then
    # A tree with one of each wrong thing and the right things beside them: exactly the wrong ones are named.
    tree=$(mktemp -d)
    trap 'rm -rf "$tree"' EXIT
    mkdir -p "$tree/src/core/deploy/backends/rent" "$tree/src/core/deploy/backends/local" "$tree/src/gui"
    printf '#include "rent/RentBackend.h"\nbool a(QString n) { return n == QLatin1String("rent"); }\n' \
        >"$tree/src/core/deploy/backends/rent/RentBackend.cpp"
    cat >"$tree/src/gui/Panel.cpp" <<'EOF'
#include "rent/RentPrices.h"
#include "deploy/backends/rent/RentBackend.h"
#include "deploy/backends/BackendRegistry.h"
#include "parental/Thing.h"
bool b(const QString& backend) { return backend == QStringLiteral("rent"); }
bool c(const QString& name) { return u"rent" != name; }
bool d(const QString& x) { return x == "rent"; }
bool e(const State& s) { return s.backend == QLatin1String("local"); }
bool f(const Host& h) { return h.address == QLatin1String("local"); }
QString g() { return QStringLiteral("rent"); }
bool h(const QString& x) { return x == QLatin1String("rental"); }
EOF
    out=$("$0" "$tree" 2>&1) && { echo "FAIL: the self-test's tree passed"; exit 1; }
    got=$(printf '%s\n' "$out" | grep -Eo '^src/[^:]+:[0-9]+' | sort -t: -k2 -n | tr '\n' ' ')
    want="src/gui/Panel.cpp:1 src/gui/Panel.cpp:2 src/gui/Panel.cpp:5 src/gui/Panel.cpp:6 src/gui/Panel.cpp:7 src/gui/Panel.cpp:8 "
    if [ "$got" != "$want" ]; then
        printf 'FAIL: the self-test named\n  %s\ninstead of\n  %s\n%s\n' "$got" "$want" "$out"
        exit 1
    fi
    echo "self-test: the six wrong lines named, the right ones left alone"
    exit 0
fi

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
backends=src/core/deploy/backends
names=$(find "$backends" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
[ -n "$names" ] || { echo "FAIL: no backend folders under $root/$backends"; exit 1; }
problems=0
for name in $names; do
    include="^[[:space:]]*#[[:space:]]*include[[:space:]]*\"(deploy/backends/)?$name/"
    literal="(QLatin1String|QStringLiteral|QString|u)?\\(?\"$name\"\\)?"
    compare="(==|!=)[[:space:]]*$literal|$literal[[:space:]]*(==|!=)"
    while IFS= read -r hit; do
        [ -n "$hit" ] || continue
        echo "$hit: includes a header of backends/$name/ from outside it; ask the Backend interface or BackendRegistry"
        problems=$((problems + 1))
    done < <(grep -rnE --include='*.cpp' --include='*.h' "$include" src | grep -v "^$backends/$name/" || true)
    while IFS= read -r hit; do
        [ -n "$hit" ] || continue
        # This machine's host address is "local" too; only a line about a backend compares a backend's name.
        if [ "$name" = local ] && ! printf '%s' "${hit#*:*:}" | grep -qi backend; then
            continue
        fi
        echo "$hit: compares with the backend name \"$name\"; decide by BackendTraits"
        problems=$((problems + 1))
    done < <(grep -rnE --include='*.cpp' --include='*.h' "$compare" src | grep -v "^$backends/$name/" || true)
done
if [ "$problems" -gt 0 ]; then
    echo "FAIL: $problems place(s) outside a backend's folder know it by name (ARCHITECTURE.md, \"Adding a backend\")"
    exit 1
fi
echo "no file outside src/core/deploy/backends/NAME/ includes its headers or compares its name ($(echo $names))"
