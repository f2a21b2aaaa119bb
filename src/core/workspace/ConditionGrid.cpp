// SPDX-License-Identifier: MIT
#include "ConditionGrid.h"

#include "ParameterRules.h"
#include "ShellWords.h"

#include <QHash>
#include <QRegularExpression>

namespace ConditionGrid {

bool isValidKey(const QString& key)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]*$"));
    return re.match(key).hasMatch();
}

Parsed parse(const QString& condition)
{
    Parsed parsed;
    // The rule parameters.json is loaded with, so the editor never saves what would not load.
    parsed.error = ParameterRules::condition(condition);
    if (!parsed.error.isEmpty())
        return parsed;
    const auto words = ShellWords::split(condition);
    parsed.words = *words;
    if (words->size() % 2 != 0)
        return parsed;
    QStringList seen;
    for (int i = 0; i < words->size(); i += 2) {
        const QString& flag = words->at(i);
        const QString& value = words->at(i + 1);
        if (!flag.startsWith(QLatin1String("--")) || !isValidKey(flag.mid(2)) || value.startsWith(QLatin1String("--"))
            || seen.contains(flag.mid(2))) {
            parsed.pairs.clear();
            return parsed;
        }
        seen << flag.mid(2);
        parsed.pairs << qMakePair(flag.mid(2), value);
    }
    parsed.keyed = true;
    return parsed;
}

QString compose(const Pairs& pairs)
{
    QStringList parts;
    for (const auto& pair : pairs)
        parts << QStringLiteral("--") + pair.first + QLatin1Char(' ') + ShellWords::quote(pair.second);
    return parts.join(QLatin1Char(' '));
}

QString withValue(const QString& condition, const QString& key, const QString& value)
{
    Parsed parsed = parse(condition);
    if (!parsed.keyed)
        return condition;
    bool found = false;
    for (int i = 0; i < parsed.pairs.size(); ++i) {
        if (parsed.pairs[i].first != key)
            continue;
        found = true;
        if (parsed.pairs[i].second == value)
            return condition;
        if (value.isEmpty())
            parsed.pairs.removeAt(i);
        else
            parsed.pairs[i].second = value;
        break;
    }
    if (!found) {
        if (value.isEmpty())
            return condition;
        parsed.pairs << qMakePair(key, value);
    }
    return compose(parsed.pairs);
}

QString value(const QString& condition, const QString& key)
{
    const Parsed parsed = parse(condition);
    for (const auto& pair : parsed.pairs) {
        if (pair.first == key)
            return pair.second;
    }
    return QString();
}

QStringList keys(const QStringList& conditions)
{
    QStringList out;
    for (const QString& condition : conditions) {
        for (const auto& pair : parse(condition).pairs) {
            if (!out.contains(pair.first))
                out << pair.first;
        }
    }
    return out;
}

QList<Problem> validate(const QStringList& conditions)
{
    QList<Problem> problems;
    QHash<QStringList, int> firstRow; // compare by words, so quoting differences do not hide a duplicate
    for (int row = 0; row < conditions.size(); ++row) {
        const Parsed parsed = parse(conditions.at(row));
        if (!parsed.error.isEmpty()) {
            problems << Problem { row, QString(), parsed.error };
            continue;
        }
        if (!parsed.keyed) {
            // A flag followed by another flag is most likely a missing value.
            for (int i = 0; i + 1 < parsed.words.size(); ++i) {
                const QString& word = parsed.words.at(i);
                if (word.startsWith(QLatin1String("--")) && isValidKey(word.mid(2))
                    && parsed.words.at(i + 1).startsWith(QLatin1String("--"))) {
                    problems << Problem { row, QString(), QStringLiteral("%1 has no value").arg(word) };
                    break;
                }
            }
        }
        const auto it = firstRow.constFind(parsed.words);
        if (it != firstRow.constEnd())
            problems << Problem { row, QString(), QStringLiteral("same condition as row %1").arg(it.value() + 1) };
        else
            firstRow.insert(parsed.words, row);
    }
    return problems;
}

ResultOf<QStringList> splitValues(const QString& text)
{
    QString normalized;
    // Commas outside quotes separate values like spaces do.
    QChar quote;
    bool escaped = false;
    for (const QChar c : text) {
        if (escaped) {
            escaped = false;
        } else if (c == QLatin1Char('\\') && quote != QLatin1Char('\'')) {
            escaped = true;
        } else if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            quote = c;
        } else if (c == QLatin1Char(',')) {
            normalized += QLatin1Char(' ');
            continue;
        }
        normalized += c;
    }
    return ShellWords::split(normalized);
}

QStringList product(const QList<QPair<QString, QStringList>>& axes)
{
    QList<Pairs> rows { Pairs() };
    bool any = false;
    for (const auto& axis : axes) {
        if (axis.second.isEmpty())
            continue;
        any = true;
        QList<Pairs> next;
        for (const Pairs& prefix : std::as_const(rows)) {
            for (const QString& v : axis.second)
                next << (Pairs(prefix) << qMakePair(axis.first, v));
        }
        rows = next;
    }
    QStringList out;
    if (!any)
        return out;
    for (const Pairs& row : std::as_const(rows))
        out << compose(row);
    return out;
}

} // namespace ConditionGrid
