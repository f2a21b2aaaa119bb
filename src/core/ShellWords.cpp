// SPDX-License-Identifier: MIT
#include "ShellWords.h"

namespace ShellWords {

ResultOf<QStringList> split(const QString& text)
{
    QStringList words;
    QString current;
    bool inWord = false;
    enum class Quote
    {
        None,
        Single,
        Double
    } quote
        = Quote::None;

    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        switch (quote) {
        case Quote::Single:
            if (c == QLatin1Char('\''))
                quote = Quote::None;
            else
                current += c;
            break;
        case Quote::Double:
            if (c == QLatin1Char('"')) {
                quote = Quote::None;
            } else if (c == QLatin1Char('\\') && i + 1 < text.size()
                       && QStringLiteral("\"\\$`\n").contains(text.at(i + 1))) {
                // Inside double quotes a backslash escapes only these characters.
                ++i;
                if (text.at(i) != QLatin1Char('\n'))
                    current += text.at(i);
            } else {
                current += c;
            }
            break;
        case Quote::None:
            if (c == QLatin1Char('\'')) {
                quote = Quote::Single;
                inWord = true;
            } else if (c == QLatin1Char('"')) {
                quote = Quote::Double;
                inWord = true;
            } else if (c == QLatin1Char('\\')) {
                if (i + 1 >= text.size()) {
                    return Result::badInput(QStringLiteral("trailing backslash"));
                }
                ++i;
                if (text.at(i) != QLatin1Char('\n')) {
                    current += text.at(i);
                    inWord = true;
                }
            } else if (c.isSpace()) {
                if (inWord) {
                    words << current;
                    current.clear();
                    inWord = false;
                }
            } else {
                current += c;
                inWord = true;
            }
            break;
        }
    }
    if (quote != Quote::None) {
        return Result::badInput(quote == Quote::Single ? QStringLiteral("unbalanced single quote")
                                                       : QStringLiteral("unbalanced double quote"));
    }
    if (inWord)
        words << current;
    return words;
}

QString quote(const QString& word)
{
    if (word.isEmpty())
        return QStringLiteral("''");
    static const QString safe = QStringLiteral("@%+=:,./-_");
    bool plain = true;
    for (const QChar c : word) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && !safe.contains(c)) {
            plain = false;
            break;
        }
    }
    if (plain)
        return word;
    QString quoted = word;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString join(const QStringList& words)
{
    QStringList quoted;
    quoted.reserve(words.size());
    for (const QString& w : words)
        quoted << quote(w);
    return quoted.join(QLatin1Char(' '));
}

} // namespace ShellWords
