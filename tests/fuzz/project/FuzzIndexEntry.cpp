// SPDX-License-Identifier: MIT
// libFuzzer target: the per-user index's entry.json (DeploymentIndex) on any bytes.
// Properties beyond "no crash, no hang": a refusal always says where; an entry that
// passes names absolute folders with no ".." and no control character.
#include "deploy/StateRules.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const QJsonDocument doc = QJsonDocument::fromJson(text);
    if (!doc.isObject())
        return 0;
    const Result checked = StateRules::checkIndexEntry(text, QStringLiteral("entry.json"));
    if (!checked) {
        if (checked.kind() != Result::Kind::BadInput || checked.location().file.isEmpty() || checked.location().line < 1
            || checked.location().column < 1)
            abort();
        return 0;
    }
    for (const char* key : { "experiment_dir", "state_dir" }) {
        const QString path = doc.object().value(QLatin1String(key)).toString();
        if (!path.startsWith(QLatin1Char('/')) || path.contains(QLatin1String("/../"))
            || path.endsWith(QLatin1String("/..")) || path.contains(QLatin1Char('\n')))
            abort();
    }
    return 0;
}
