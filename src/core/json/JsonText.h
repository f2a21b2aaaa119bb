// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QMap>
#include <QStringList>

// Edits the text of a JSON document the way a person would: what did not
// change keeps its bytes (key order, indentation, line ends, the spelling of
// numbers such as 1e-3), a changed value is written where the old one was, a
// new key goes after the others in the file's own indentation, and a removed
// one is taken out with its comma. QJsonDocument cannot: it sorts keys and
// writes its own layout.
namespace JsonText {

// The order to write an object's keys in, by the object's path of member names
// from the top ({} is the top-level object). An object without an entry keeps
// the order written, its new keys after the others.
using KeyOrders = QMap<QStringList, QStringList>;

// The keys of the object at path (member names from the top) in the order the
// text writes them; empty when the text does not parse or holds no object there.
QStringList keys(const QByteArray& text, const QStringList& path = {});

// The text changed to hold value, touching only what differs. A text that does
// not parse as JSON is replaced by write(value).
QByteArray patch(const QByteArray& text, const QJsonValue& value, const KeyOrders& orders = {});

// A new text for value: 4-space indentation, an object's members one per line,
// a short list of scalars on one line, a final line break.
QByteArray write(const QJsonValue& value, const KeyOrders& orders = {});

} // namespace JsonText
