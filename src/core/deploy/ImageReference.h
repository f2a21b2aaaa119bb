// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// The name of the image a deploy runs, made in one place: deploy tags and pushes it, setup shows it.
// Through a registry: REGISTRY/logistician/EXPERIMENT:COMMIT, or REGISTRY/REPOSITORY:EXPERIMENT-COMMIT with an
// image repository of its own (the original's docker_repository). Without one (local, or an image shipped to
// the host): logistician/EXPERIMENT:COMMIT. EXPERIMENT is the experiment's name in lower case, COMMIT the
// commit's first 12 characters.
namespace ImageReference {

QString forDeploy(const QString& registry, const QString& repository, const QString& experimentName,
                  const QString& commit);
// The same with the words EXPERIMENT and COMMIT in their places, for setup to show.
QString pattern(const QString& registry, const QString& repository);

} // namespace ImageReference
