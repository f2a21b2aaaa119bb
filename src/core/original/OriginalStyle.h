// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace OriginalStyle {

// docker run -e values for an original-style container: its CMD runs `git log -1` in /project, which a
// container user other than the files' owner is refused ("dubious ownership") by git 2.35.2 and later.
// GIT_CONFIG_* is command-line scope, where git honours safe.directory.
inline QStringList gitEnvironment()
{
    return { QStringLiteral("GIT_CONFIG_COUNT=1"), QStringLiteral("GIT_CONFIG_KEY_0=safe.directory"),
             QStringLiteral("GIT_CONFIG_VALUE_0=/project") };
}

} // namespace OriginalStyle
