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

// The same text with every control character shown, not acted on: ESC as "\x1b",
// a C1 control as "\u009b", a bidirectional override as "\u202e" (newline and
// tab kept). What the CLI prints of outside text, so nothing is hidden either.
QString escaped(const QString& text);

// escaped() for a stream of UTF-8 bytes that arrives in pieces (a log as it comes):
// a character split between two pieces is held back until it is whole.
class EscapedStream
{
public:
    QByteArray feed(const QByteArray& bytes);
    QByteArray finish(); // what is still held back

private:
    QByteArray m_held;
};

} // namespace PrintableText
