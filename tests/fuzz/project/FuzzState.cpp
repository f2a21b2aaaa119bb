// SPDX-License-Identifier: MIT
// libFuzzer target: deployment.json (a project's .logistician/ or the per-user
// index's copy, both untrusted) on any bytes. Properties beyond "no crash, no
// hang, no huge allocation": a refusal always says where; a state that passes
// the rules saves to JSON that passes them again with the same conditions.
#include "deploy/DeploymentState.h"
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
    const Result checked = StateRules::check(text, QStringLiteral("deployment.json"));
    if (!checked) {
        if (checked.kind() != Result::Kind::BadInput || checked.location().file.isEmpty() || checked.what().isEmpty()
            || checked.location().line < 1 || checked.location().column < 1)
            abort();
        return 0;
    }
    const DeploymentState state = DeploymentState::fromJson(doc.object());
    for (const DeploymentState::Condition& c : state.conditions) {
        if (c.lastAttempt > StateRules::MaxAttempts + 1 || !StateRules::isSlug(c.slug))
            abort();
    }
    const QByteArray saved = QJsonDocument(state.toJson()).toJson();
    if (!StateRules::check(saved, QStringLiteral("deployment.json"))
        || DeploymentState::fromJson(QJsonDocument::fromJson(saved).object()).conditions.size()
            != state.conditions.size())
        abort();
    return 0;
}
