// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QList>
#include <QString>

// The examples shipped with Logistician (examples/ in the source tree,
// share/logistician/examples when installed), and copying one to a folder of
// the user's choosing as a Git repository of its own, ready to deploy. The
// CLI's `examples` verb and the desktop app's welcome page both use it.
class ExampleCopier
{
public:
    struct Example
    {
        QString name; // its folder name: "addition", "optimise"
        QString summary; // the first paragraph of its README.md
        QString folder; // where it is shipped
    };

    // Every example folder that holds experiments/*/parameters.json, by name.
    static QList<Example> available(const QString& examplesDir);

    // Copies example `name` to destination (which must not exist, or be an empty
    // folder), commits it as a new repository, and returns the first experiment's
    // folder. Each experiment's experiment_name is experimentNameFor(destination,
    // its folder) in the copy. Nothing is left at destination when it fails.
    static ResultOf<QString> copy(const QString& examplesDir, const QString& name, const QString& destination);
    // The experiment name of a copy's experiment: the destination folder's name and the experiment folder's,
    // reduced to an experiment name ("optimise-1" for ~/optimise and experiments/1); empty when nothing is left.
    static QString experimentNameFor(const QString& destination, const QString& experiment);
};
