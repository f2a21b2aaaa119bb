// SPDX-License-Identifier: MIT
#include "PrintableText.h"

#include <QRegularExpression>

namespace PrintableText {

namespace {

bool isFormatControl(char16_t c)
{
    // Bidirectional embeddings, overrides and isolates, which can make shown text read differently from what it is.
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
}

} // namespace

QString clean(const QString& text, LineBreaks lineBreaks)
{
    // Whole escape sequences first, so no "[31m" is left behind: CSI (ESC [ or U+009B ... final byte),
    // OSC/DCS/APC/PM/SOS strings up to BEL or ESC \, then two-character escapes.
    static const QRegularExpression sequences(QStringLiteral(
        "(?:\\x1b\\[|\\x{9b})[0-?]*[ -/]*[@-~]?"
        "|(?:\\x1b[\\]P^_X]|[\\x{90}\\x{9d}\\x{9e}\\x{9f}\\x{98}])[^\\x07\\x1b\\x{9c}]*(?:\\x07|\\x1b\\\\|\\x{9c})?"
        "|\\x1b[ -/]*[0-~]?"));
    QString out = text;
    if (out.contains(QChar(0x1b)) || out.contains(QChar(0x9b)) || out.contains(QChar(0x9d)))
        out.remove(sequences);
    QString result;
    result.reserve(out.size());
    for (const QChar ch : std::as_const(out)) {
        const char16_t c = ch.unicode();
        if (c == u'\n' || c == u'\t') {
            result += lineBreaks == LineBreaks::Keep ? ch : QChar(u' ');
            continue;
        }
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || isFormatControl(c))
            continue;
        result += ch;
    }
    return result;
}

} // namespace PrintableText
