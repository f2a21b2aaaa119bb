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

QString escaped(const QString& text)
{
    QString result;
    result.reserve(text.size());
    for (const QChar ch : text) {
        const char16_t c = ch.unicode();
        if (c == u'\n' || c == u'\t') {
            result += ch;
        } else if (c < 0x20 || c == 0x7f) {
            result += QStringLiteral("\\x%1").arg(int(c), 2, 16, QLatin1Char('0'));
        } else if ((c >= 0x80 && c <= 0x9f) || isFormatControl(c)) {
            result += QStringLiteral("\\u%1").arg(int(c), 4, 16, QLatin1Char('0'));
        } else {
            result += ch;
        }
    }
    return result;
}

QByteArray EscapedStream::feed(const QByteArray& bytes)
{
    QByteArray text = m_held + bytes;
    m_held.clear();
    // Hold back an incomplete UTF-8 sequence at the end (at most 3 bytes).
    int cut = int(text.size());
    for (int back = 1; back <= 3 && back <= text.size(); ++back) {
        const unsigned char b = static_cast<unsigned char>(text.at(text.size() - back));
        if ((b & 0xC0) == 0x80)
            continue; // a continuation byte: look further back for the lead
        const int need = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
        if (need > back)
            cut = int(text.size()) - back;
        break;
    }
    m_held = text.mid(cut);
    return escaped(QString::fromUtf8(text.left(cut))).toUtf8();
}

QByteArray EscapedStream::finish()
{
    const QByteArray rest = m_held;
    m_held.clear();
    return escaped(QString::fromUtf8(rest)).toUtf8();
}

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
