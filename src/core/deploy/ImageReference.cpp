// SPDX-License-Identifier: MIT
#include "ImageReference.h"

namespace ImageReference {

namespace {

QString compose(const QString& registry, const QString& repository, const QString& experiment, const QString& commit)
{
    if (registry.isEmpty())
        return QStringLiteral("logistician/%1:%2").arg(experiment, commit);
    if (!repository.isEmpty())
        return QStringLiteral("%1/%2:%3-%4").arg(registry, repository, experiment, commit);
    return QStringLiteral("%1/logistician/%2:%3").arg(registry, experiment, commit);
}

} // namespace

QString forDeploy(const QString& registry, const QString& repository, const QString& experimentName,
                  const QString& commit)
{
    return compose(registry, repository, experimentName.toLower(), commit.left(12));
}

QString pattern(const QString& registry, const QString& repository)
{
    return compose(registry, repository, QStringLiteral("EXPERIMENT"), QStringLiteral("COMMIT"));
}

} // namespace ImageReference
