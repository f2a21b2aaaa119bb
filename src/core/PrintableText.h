// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// Text from elsewhere (a host's stderr, a log, a status line) made safe to show:
// terminal escape sequences and other control characters removed, so remote
// output can never move the cursor, clear the screen, retitle the terminal or
// reorder text (bidirectional overrides) on the user's screen. The one place
// the CLI and the GUI clean such text.
namespace PrintableText {

enum class LineBreaks
{
    Keep, // newlines and tabs stay (logs)
    Spaces, // newlines and tabs become spaces (one-line messages)
};

QString clean(const QString& text, LineBreaks lineBreaks = LineBreaks::Keep);

} // namespace PrintableText
