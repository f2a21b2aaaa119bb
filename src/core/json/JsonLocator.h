// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QList>
#include <QSet>
#include <QString>
#include <QVariant>

// Finds where a value sits in the JSON text so an error can name its line and
// column. QJsonDocument does the parsing; this only skips over the already
// valid text, tracking strings and nesting.
class JsonLocator
{
public:
    explicit JsonLocator(const QByteArray& text)
        : m_text(text)
    {
    }

    // Offset of the value at path: keys (QString) and list indexes (int) from the
    // top-level object down, e.g. {"conditions", 3, "slug"}; -1 if not found.
    int valueAt(const QVariantList& path) const
    {
        int pos = skipSpace(0);
        for (const QVariant& step : path) {
            if (pos < 0 || pos >= m_text.size())
                return -1;
            if (step.typeId() == QMetaType::Int) {
                if (m_text.at(pos) != '[')
                    return -1;
                pos = skipSpace(element(pos, step.toInt()));
            } else {
                if (m_text.at(pos) != '{')
                    return -1;
                pos = memberValue(pos, step.toString());
            }
        }
        return pos;
    }

    // Offset of the value of a top-level key, or of element `index` of it
    // (index >= 0), or of the key's member `member` when given. -1 if not found.
    int find(const QString& key, int index = -1, const QString& member = QString()) const
    {
        int pos = skipSpace(0);
        if (pos >= m_text.size() || m_text.at(pos) != '{')
            return 0;
        int value = memberValue(pos, key);
        if (value < 0)
            return -1;
        if (index >= 0)
            return element(value, index);
        if (!member.isEmpty())
            return memberValue(value, member);
        return value;
    }

    // Offset of the opening quote of a top-level key, or of the member key
    // `member` inside it when given. -1 if not found.
    int findKey(const QString& key, const QString& member = QString()) const
    {
        const int pos = skipSpace(0);
        if (pos >= m_text.size() || m_text.at(pos) != '{')
            return 0;
        if (member.isEmpty())
            return memberPos(pos, key, true);
        const int value = memberPos(pos, key, false);
        if (value < 0 || value >= m_text.size() || m_text.at(value) != '{')
            return -1;
        return memberPos(value, member, true);
    }

    // Offset of element `index` of the list that is member `member` of the top-level key.
    int findElement(const QString& key, const QString& member, int index) const
    {
        const int pos = find(key, -1, member);
        return pos < 0 ? -1 : element(pos, index);
    }

    struct Duplicate
    {
        int offset = -1; // of the second occurrence's key
        QString key;
        QString parent; // the key of the object holding it; empty at the top level
    };

    // The first key that an object of the (valid) JSON text holds twice:
    // QJsonDocument would keep only the last one without a word.
    Duplicate findDuplicate() const
    {
        struct Level
        {
            bool object = false;
            bool expectKey = false;
            QString name; // the key this object or list is the value of
            QSet<QString> keys;
        };
        QList<Level> stack;
        QString lastKey;
        int pos = 0;
        while (pos < m_text.size()) {
            const char c = m_text.at(pos);
            if (c == '"') {
                const int end = skipString(pos);
                if (!stack.isEmpty() && stack.last().object && stack.last().expectKey) {
                    Level& level = stack.last();
                    lastKey = decodeString(pos, end);
                    if (level.keys.contains(lastKey))
                        return Duplicate { pos, lastKey, level.name };
                    level.keys.insert(lastKey);
                    level.expectKey = false;
                }
                pos = end;
                continue;
            }
            if (c == '{' || c == '[') {
                // Named after its key, or after the key of the list holding it.
                const QString name = stack.isEmpty() ? QString() : stack.last().object ? lastKey : stack.last().name;
                stack.append(Level { c == '{', c == '{', name, {} });
            } else if ((c == '}' || c == ']') && !stack.isEmpty()) {
                stack.removeLast();
            } else if (c == ',' && !stack.isEmpty() && stack.last().object) {
                stack.last().expectKey = true;
            }
            ++pos;
        }
        return Duplicate();
    }

    void lineColumn(int offset, int* line, int* column) const
    {
        *line = 1;
        *column = 1;
        // Columns count characters, not bytes.
        const QString before = QString::fromUtf8(m_text.left(qMax(0, offset)));
        for (const QChar c : before) {
            if (c == QLatin1Char('\n')) {
                ++*line;
                *column = 1;
            } else {
                ++*column;
            }
        }
    }

private:
    int skipSpace(int pos) const
    {
        while (pos < m_text.size() && QByteArrayLiteral(" \t\r\n").contains(m_text.at(pos)))
            ++pos;
        return pos;
    }

    int skipString(int pos) const // pos at opening quote; returns after closing quote
    {
        ++pos;
        while (pos < m_text.size() && m_text.at(pos) != '"')
            pos += m_text.at(pos) == '\\' ? 2 : 1;
        return pos + 1;
    }

    int skipValue(int pos) const
    {
        pos = skipSpace(pos);
        if (pos >= m_text.size())
            return pos;
        const char c = m_text.at(pos);
        if (c == '"')
            return skipString(pos);
        if (c == '{' || c == '[') {
            int depth = 0;
            while (pos < m_text.size()) {
                const char d = m_text.at(pos);
                if (d == '"') {
                    pos = skipString(pos);
                    continue;
                }
                if (d == '{' || d == '[')
                    ++depth;
                else if ((d == '}' || d == ']') && --depth == 0)
                    return pos + 1;
                ++pos;
            }
            return pos;
        }
        while (pos < m_text.size() && !QByteArrayLiteral(",}] \t\r\n").contains(m_text.at(pos)))
            ++pos;
        return pos;
    }

    QString decodeString(int pos, int end) const
    {
        return QJsonDocument::fromJson("[" + m_text.mid(pos, end - pos) + "]").array().at(0).toString();
    }

    int memberValue(int objectPos, const QString& key) const { return memberPos(objectPos, key, false); }

    // The offset of the value of `key` in the object at objectPos, or of the key itself.
    int memberPos(int objectPos, const QString& key, bool keyItself) const
    {
        int pos = skipSpace(objectPos + 1);
        while (pos < m_text.size() && m_text.at(pos) == '"') {
            const int keyPos = pos;
            const int end = skipString(pos);
            const QString name = decodeString(pos, end);
            pos = skipSpace(end);
            pos = skipSpace(pos + 1); // ':'
            if (name == key)
                return keyItself ? keyPos : pos;
            pos = skipSpace(skipValue(pos));
            if (pos < m_text.size() && m_text.at(pos) == ',')
                pos = skipSpace(pos + 1);
        }
        return -1;
    }

    int element(int arrayPos, int index) const
    {
        if (arrayPos >= m_text.size() || m_text.at(arrayPos) != '[')
            return arrayPos;
        int pos = skipSpace(arrayPos + 1);
        for (int i = 0; i < index; ++i) {
            pos = skipSpace(skipValue(pos));
            if (pos < m_text.size() && m_text.at(pos) == ',')
                pos = skipSpace(pos + 1);
        }
        return pos;
    }

    const QByteArray& m_text;
};
