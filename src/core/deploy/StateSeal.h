// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

// Proof that this user's Logistician wrote a deployment.json: an HMAC-SHA256 of
// the file's bytes and its folder, keyed by a secret of this user's own
// ($XDG_STATE_HOME/logistician/state.key, mode 0600), kept in
// deployment.json.seal beside it. A .logistician/ that came with a clone (or was
// edited by hand) has no valid seal and is ignored: its hosts are not contacted,
// its containers not touched. The seal holds the new and the previous MAC, and is
// written before the state, so a crash between the two writes loses nothing.
namespace StateSeal {

constexpr const char* FileName = "deployment.json.seal";

// The key file; made on first use.
QString keyPath();
bool verify(const QString& stateDir, const QByteArray& text);
// Seals text as stateDir's next deployment.json; previous: the bytes there now (kept valid).
Result write(const QString& stateDir, const QByteArray& text, const QByteArray& previous);

} // namespace StateSeal
