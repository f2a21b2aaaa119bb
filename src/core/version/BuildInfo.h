// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// What this binary was built from: the version (CMakeLists.txt's project()), the
// Git commit and whether the tree had uncommitted changes. Only BuildInfo.cpp sees
// the generated header, so a new commit recompiles one file.
namespace BuildInfo {

QString version();
// Full commit hash, or "unknown" (a tree that is neither a checkout nor a `git archive`).
QString commit();
bool dirty();
// "commit 0123abcd… (dirty)" as --version and the About dialog show it.
QString commitLine();

} // namespace BuildInfo
