// SPDX-License-Identifier: MIT
#include "JsonText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <optional>

namespace {

// A value of the text with where it sits: [start, end) covers it exactly.
struct Node
{
    QJsonValue value;
    int start = 0;
    int end = 0;
    QStringList keys; // an object's members in the order written
    QList<int> keyStarts; // the opening quote of each member's key
    QList<int> keyEnds; // after the closing quote of each member's key
    QList<Node> children; // an object's member values, or a list's elements
    bool isObject() const { return value.isObject(); }
    bool isArray() const { return value.isArray(); }
    bool isContainer() const { return isObject() || isArray(); }
};

// Reads JSON text into Nodes. Deliberately small: the text has already been
// read by QJsonDocument, which decides what is valid; scalars are decoded by it.
class Parser
{
public:
    explicit Parser(const QByteArray& text)
        : m_text(text)
    {
    }

    std::optional<Node> document()
    {
        int pos = 0;
        Node node;
        if (!value(pos, &node, 0) || skipSpace(pos) != m_text.size())
            return std::nullopt;
        return node;
    }

    // The keys of the object at path, in order; the values on the way are skipped unread.
    std::optional<QStringList> keysAt(const QStringList& path) const
    {
        int pos = skipSpace(0);
        for (int level = 0;; ++level) {
            if (!at(pos, '{'))
                return std::nullopt;
            QStringList keys;
            int inside = -1; // where the value of the next key on the path starts
            pos = skipSpace(pos + 1);
            while (!at(pos, '}')) {
                QString key;
                if (!at(pos, '"') || !string(pos, &key))
                    return std::nullopt;
                pos = skipSpace(pos);
                if (!at(pos, ':'))
                    return std::nullopt;
                pos = skipSpace(pos + 1);
                if (level < path.size() && key == path.at(level)) {
                    inside = pos;
                    break;
                }
                keys << key;
                if (!skip(pos))
                    return std::nullopt;
                pos = skipSpace(pos);
                if (at(pos, ','))
                    pos = skipSpace(pos + 1);
                else if (!at(pos, '}'))
                    return std::nullopt;
            }
            if (level == path.size())
                return keys;
            if (inside < 0)
                return std::nullopt;
            pos = inside;
        }
    }

private:
    static constexpr int MaxDepth = 1100; // QJsonDocument stops at 1024

    int skipSpace(int pos) const
    {
        while (pos < m_text.size()
               && (m_text.at(pos) == ' ' || m_text.at(pos) == '\t' || m_text.at(pos) == '\n' || m_text.at(pos) == '\r'))
            ++pos;
        return pos;
    }

    bool at(int pos, char c) const { return pos < m_text.size() && m_text.at(pos) == c; }

    std::optional<QJsonValue> scalar(int from, int to) const
    {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson('[' + m_text.mid(from, to - from) + ']', &error);
        if (error.error != QJsonParseError::NoError || doc.array().size() != 1)
            return std::nullopt;
        return doc.array().at(0);
    }

    // After the closing quote of the string opening at pos, or -1.
    int stringEnd(int pos) const
    {
        int end = pos + 1;
        while (end < m_text.size() && m_text.at(end) != '"')
            end += m_text.at(end) == '\\' ? 2 : 1;
        return end < m_text.size() ? end + 1 : -1;
    }

    bool string(int& pos, QString* out) const
    {
        const int end = stringEnd(pos);
        if (end < 0)
            return false;
        const QByteArray inner = m_text.mid(pos + 1, end - pos - 2);
        bool plain = true; // printable ASCII, nothing escaped: the bytes are the string
        for (const char c : inner)
            plain = plain && c >= 0x20 && c < 0x7f && c != '\\';
        if (plain) {
            *out = QString::fromLatin1(inner);
        } else {
            const auto v = scalar(pos, end);
            if (!v || !v->isString())
                return false;
            *out = v->toString();
        }
        pos = end;
        return true;
    }

    // Past one value, without reading it.
    bool skip(int& pos) const
    {
        pos = skipSpace(pos);
        if (pos >= m_text.size())
            return false;
        const char c = m_text.at(pos);
        if (c == '"') {
            pos = stringEnd(pos);
            return pos >= 0;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (pos < m_text.size()) {
                const char d = m_text.at(pos);
                if (d == '"') {
                    if ((pos = stringEnd(pos)) < 0)
                        return false;
                    continue;
                }
                if (d == '{' || d == '[')
                    ++depth;
                else if ((d == '}' || d == ']') && --depth == 0) {
                    ++pos;
                    return true;
                }
                ++pos;
            }
            return false;
        }
        while (pos < m_text.size() && !QByteArrayLiteral(",:{}[]\" \t\r\n").contains(m_text.at(pos)))
            ++pos;
        return true;
    }

    // An object at pos ("{"): its keys, where each starts and ends, and its values.
    bool object(int& pos, Node* node, int depth)
    {
        QJsonObject object;
        pos = skipSpace(pos + 1);
        if (!at(pos, '}')) {
            for (;;) {
                pos = skipSpace(pos);
                if (!at(pos, '"'))
                    return false;
                const int keyStart = pos;
                QString key;
                if (!string(pos, &key))
                    return false;
                const int keyEnd = pos;
                pos = skipSpace(pos);
                if (!at(pos, ':'))
                    return false;
                ++pos;
                Node child;
                if (!value(pos, &child, depth + 1))
                    return false;
                object.insert(key, child.value);
                node->keys << key;
                node->keyStarts << keyStart;
                node->keyEnds << keyEnd;
                node->children << child;
                pos = skipSpace(pos);
                if (at(pos, ','))
                    ++pos;
                else if (at(pos, '}'))
                    break;
                else
                    return false;
            }
        }
        node->value = object;
        node->end = pos + 1;
        pos = node->end;
        return true;
    }

    // An array at pos ("["): its values.
    bool array(int& pos, Node* node, int depth)
    {
        QJsonArray array;
        pos = skipSpace(pos + 1);
        if (!at(pos, ']')) {
            for (;;) {
                Node child;
                if (!value(pos, &child, depth + 1))
                    return false;
                array.append(child.value);
                node->children << child;
                pos = skipSpace(pos);
                if (at(pos, ','))
                    ++pos;
                else if (at(pos, ']'))
                    break;
                else
                    return false;
            }
        }
        node->value = array;
        node->end = pos + 1;
        pos = node->end;
        return true;
    }

    bool value(int& pos, Node* node, int depth)
    {
        if (depth > MaxDepth)
            return false;
        pos = skipSpace(pos);
        if (pos >= m_text.size())
            return false;
        node->start = pos;
        const char c = m_text.at(pos);
        if (c == '{')
            return object(pos, node, depth);
        if (c == '[')
            return array(pos, node, depth);
        if (c == '"') {
            QString s;
            if (!string(pos, &s))
                return false;
            node->value = s;
            node->end = pos;
            return true;
        }
        int end = pos;
        while (end < m_text.size() && !QByteArrayLiteral(",:{}[]\" \t\r\n").contains(m_text.at(end)))
            ++end;
        const auto v = end > pos ? scalar(pos, end) : std::nullopt;
        if (!v)
            return false;
        node->value = *v;
        node->end = end;
        pos = end;
        return true;
    }

    const QByteArray& m_text;
};

bool isScalar(const QJsonValue& v)
{
    return !v.isArray() && !v.isObject();
}

QByteArray scalarText(const QJsonValue& v)
{
    const QByteArray list = QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact);
    return list.mid(1, list.size() - 2);
}

QByteArray keyText(const QString& key)
{
    return scalarText(QJsonValue(key));
}

// The keys of object in the order to write them: as ordered for path, then the
// order written (given), then the rest as QJsonObject holds them.
QStringList orderOf(const QJsonObject& object, const QStringList& path, const JsonText::KeyOrders& orders,
                    const QStringList& written = {})
{
    QStringList out;
    const QStringList sources[] = { orders.value(path), written, object.keys() };
    for (const QStringList& source : sources) {
        for (const QString& key : source) {
            if (object.contains(key) && !out.contains(key))
                out << key;
        }
    }
    return out;
}

// How new text is laid out.
struct Style
{
    QByteArray newline = "\n";
    QByteArray unit = "    "; // one level of indentation
    QByteArray colon = ": "; // between a key and its value
    static constexpr int InlineWidth = 100; // a list of scalars longer than this goes one item per line
};

class Writer
{
public:
    Writer(const Style& style, const JsonText::KeyOrders& orders)
        : m_style(style)
        , m_orders(orders)
    {
    }

    // value laid out with its closing bracket at indent `close` and its members or items at `inner`;
    // multiline false writes it on one line.
    QByteArray value(const QJsonValue& v, const QByteArray& close, const QByteArray& inner, const QStringList& path,
                     bool multiline, const QByteArray& itemSeparator = ", ") const
    {
        if (isScalar(v))
            return scalarText(v);
        if (v.isArray()) {
            const QJsonArray array = v.toArray();
            if (array.isEmpty())
                return "[]";
            bool scalars = true;
            for (const QJsonValue& item : array)
                scalars = scalars && isScalar(item);
            if (!multiline || scalars) {
                QByteArrayList items;
                for (const QJsonValue& item : array)
                    items << value(item, close, inner, path, false);
                const QByteArray line = '[' + items.join(itemSeparator) + ']';
                if (!multiline || close.size() + line.size() <= Style::InlineWidth)
                    return line;
            }
            QByteArrayList items;
            for (const QJsonValue& item : array)
                items << inner + value(item, inner, inner + m_style.unit, path, true);
            return '[' + m_style.newline + items.join(',' + m_style.newline) + m_style.newline + close + ']';
        }
        const QJsonObject object = v.toObject();
        if (object.isEmpty())
            return "{}";
        QByteArrayList members;
        for (const QString& key : orderOf(object, path, m_orders))
            members << (multiline ? inner : QByteArray()) + member(key, object.value(key), inner, path, multiline);
        if (!multiline)
            return '{' + members.join(", ") + '}';
        return '{' + m_style.newline + members.join(',' + m_style.newline) + m_style.newline + close + '}';
    }

    // "key": value, for a member whose line is indented by indent.
    QByteArray member(const QString& key, const QJsonValue& v, const QByteArray& indent, const QStringList& path,
                      bool multiline) const
    {
        return keyText(key) + m_style.colon
            + value(v, indent, indent + m_style.unit, path + QStringList { key }, multiline);
    }

    const Style& style() const { return m_style; }

private:
    Style m_style;
    const JsonText::KeyOrders& m_orders;
};

class Patcher
{
public:
    Patcher(const QByteArray& text, const Node& root, const JsonText::KeyOrders& orders)
        : m_text(text)
        , m_orders(orders)
        , m_writer(detectStyle(text, root), orders)
    {
        m_multiline = text.mid(root.start, root.end - root.start).contains('\n');
    }

    QByteArray run(const Node& root, const QJsonValue& value)
    {
        return m_text.left(root.start) + render(root, value, {}) + m_text.mid(root.end);
    }

private:
    static Style detectStyle(const QByteArray& text, const Node& root)
    {
        Style style;
        if (text.contains("\r\n"))
            style.newline = "\r\n";
        if (root.isObject() && !root.children.isEmpty()) {
            style.colon = text.mid(root.keyEnds.first(), root.children.first().start - root.keyEnds.first());
            const QByteArray indent = lineIndent(text, root.keyStarts.first());
            if (!indent.isEmpty() && text.mid(root.start, root.keyStarts.first() - root.start).contains('\n'))
                style.unit = indent;
        }
        return style;
    }

    // The blanks that open the line pos is on, up to the first other character.
    static QByteArray lineIndent(const QByteArray& text, int pos)
    {
        int lineStart = pos;
        while (lineStart > 0 && text.at(lineStart - 1) != '\n')
            --lineStart;
        int end = lineStart;
        while (end < text.size() && (text.at(end) == ' ' || text.at(end) == '\t'))
            ++end;
        return text.mid(lineStart, end - lineStart);
    }

    // The blanks after the last line break of text[from, to), or nullopt when there is no line break.
    std::optional<QByteArray> indentAfterBreak(int from, int to) const
    {
        const int newline = m_text.lastIndexOf('\n', to - 1);
        if (newline < from)
            return std::nullopt;
        return m_text.mid(newline + 1, to - newline - 1);
    }

    QByteArray slice(int from, int to) const { return m_text.mid(from, to - from); }

    bool spansLines(const Node& node) const { return slice(node.start, node.end).contains('\n'); }

    // The objects under node keep the key order asked for.
    bool orderKept(const Node& node, const QStringList& path) const
    {
        if (!node.isObject())
            return true;
        if (m_orders.contains(path) && orderOf(node.value.toObject(), path, m_orders, node.keys) != node.keys)
            return false;
        for (int i = 0; i < node.children.size(); ++i) {
            const QStringList childPath = path + QStringList { node.keys.at(i) };
            bool ordersBelow = false;
            for (auto it = m_orders.cbegin(); it != m_orders.cend() && !ordersBelow; ++it)
                ordersBelow = it.key().size() >= childPath.size() && it.key().mid(0, childPath.size()) == childPath;
            if (ordersBelow && !orderKept(node.children.at(i), childPath))
                return false;
        }
        return true;
    }

    QByteArray render(const Node& old, const QJsonValue& now, const QStringList& path)
    {
        if (old.value == now && orderKept(old, path))
            return slice(old.start, old.end);
        if (old.isObject() && now.isObject())
            return object(old, now.toObject(), path);
        if (old.isArray() && now.isArray() && !old.children.isEmpty() && old.children.size() == now.toArray().size()) {
            const QJsonArray items = now.toArray();
            QByteArray out = slice(old.start, old.children.first().start);
            for (int i = 0; i < old.children.size(); ++i) {
                const Node& child = old.children.at(i);
                out += render(child, items.at(i), path);
                out += slice(child.end, i + 1 < old.children.size() ? old.children.at(i + 1).start : old.end);
            }
            return out;
        }
        return fresh(old, now, path);
    }

    // now written anew where old was, in old's layout as far as it has one.
    QByteArray fresh(const Node& old, const QJsonValue& now, const QStringList& path) const
    {
        const QByteArray close = lineIndent(m_text, old.start);
        QByteArray inner = close + m_writer.style().unit;
        // A new list or object in a file written over several lines may take several lines too.
        bool multiline = !isScalar(now) && m_multiline;
        QByteArray separator = ", ";
        if (old.isContainer() && !old.children.isEmpty()) {
            // A list that was on one line stays there while it fits and holds only scalars.
            bool scalars = now.isArray();
            for (const QJsonValue& item : now.toArray())
                scalars = scalars && isScalar(item);
            multiline = spansLines(old) || (scalars && m_multiline);
            const int first = old.isObject() ? old.keyStarts.first() : old.children.first().start;
            if (const auto indent = indentAfterBreak(old.start, first))
                inner = *indent;
            if (!spansLines(old) && old.isArray() && old.children.size() > 1)
                separator = slice(old.children.at(0).end, old.children.at(1).start);
            // A list written one item per line stays so.
            if (spansLines(old) && old.isArray() && now.isArray()) {
                const QJsonArray items = now.toArray();
                QByteArrayList lines;
                for (const QJsonValue& item : items)
                    lines << inner + m_writer.value(item, inner, inner + m_writer.style().unit, path, true);
                const QByteArray end = indentAfterBreak(old.children.last().end, old.end - 1).value_or(close);
                const QByteArray nl = m_writer.style().newline;
                return items.isEmpty() ? QByteArray("[]") : '[' + nl + lines.join(',' + nl) + nl + end + ']';
            }
        }
        return m_writer.value(now, close, inner, path, multiline, separator);
    }

    QByteArray object(const Node& old, const QJsonObject& now, const QStringList& path)
    {
        if (old.children.isEmpty() || now.isEmpty())
            return fresh(old, now, path);
        const bool multiline = spansLines(old);
        // Between members as the file has it: its first separator, or a line break and the first member's indent.
        QByteArray separator;
        if (old.keys.size() > 1)
            separator = slice(old.children.at(0).end, old.keyStarts.at(1));
        else if (const auto indent = indentAfterBreak(old.start, old.keyStarts.first()))
            separator = ',' + m_writer.style().newline + *indent;
        else
            separator = ", ";
        // The blanks that start a member's line (a separator may be "\n  , ": a comma opening the line).
        QByteArray indent = lineIndent(m_text, old.keyStarts.first());
        if (separator.contains('\n')) {
            indent = separator.mid(separator.lastIndexOf('\n') + 1);
            indent.truncate(std::find_if(indent.begin(), indent.end(), [](char c) { return c != ' ' && c != '\t'; })
                            - indent.begin());
        }

        // Members keep their own text; one that is gone takes the separator after it along (the last one: the
        // separator before it), and new ones go after the others.
        const QStringList order = orderOf(now, path, m_orders, old.keys);
        QByteArray out = slice(old.start, old.keyStarts.first());
        for (int j = 0; j < order.size(); ++j) {
            const QString& key = order.at(j);
            const int i = static_cast<int>(old.keys.indexOf(key));
            if (j > 0) {
                const int previous = static_cast<int>(old.keys.indexOf(order.at(j - 1)));
                out += i >= 0 && previous >= 0 && previous + 1 < old.keys.size()
                    ? slice(old.children.at(previous).end, old.keyStarts.at(previous + 1))
                    : separator;
            }
            if (i >= 0)
                out += slice(old.keyStarts.at(i), old.children.at(i).start)
                    + render(old.children.at(i), now.value(key), path + QStringList { key });
            else
                out += m_writer.member(key, now.value(key), indent, path, multiline);
        }
        out += slice(old.children.last().end, old.end);
        return out;
    }

    const QByteArray& m_text;
    const JsonText::KeyOrders& m_orders;
    Writer m_writer;
    bool m_multiline = true;
};

} // namespace

namespace JsonText {

QStringList keys(const QByteArray& text, const QStringList& path)
{
    return Parser(text).keysAt(path).value_or(QStringList());
}

QByteArray patch(const QByteArray& text, const QJsonValue& value, const KeyOrders& orders)
{
    const auto root = Parser(text).document();
    if (!root)
        return write(value, orders);
    return Patcher(text, *root, orders).run(*root, value);
}

QByteArray write(const QJsonValue& value, const KeyOrders& orders)
{
    const Style style;
    return Writer(style, orders).value(value, QByteArray(), style.unit, {}, true) + style.newline;
}

} // namespace JsonText
