// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QString>
#include <QStringList>

class Parameters;

// Makes a new experiment folder (experiments/NAME/ with a Dockerfile and a
// parameters.json) from a template; the CLI's `create` and the GUI's New
// Experiment wizard both use it.
class ExperimentCreator
{
public:
    struct Options
    {
        QString projectRoot; // the folder holding (or to hold) experiments/
        QString name;
        QString gitUrl; // recorded in the Dockerfile's image label
        QString command; // relative to the project root
        QString templateName = QStringLiteral("shell");
        QString dir; // the folder to make (create PATH, as the original took); empty: projectRoot/experiments/NAME
        QString baseDir; // --base: start from this experiment's Dockerfile and parameters.json, not a template
    };

    // What create made: the experiment's folder, and the starter files it wrote into the project root.
    struct Created
    {
        QString experimentDir;
        QStringList starterFiles;
    };
    // Creates the experiment. Refuses an existing folder or a name another experiment of the project
    // uses. Without options.command, the template's starter program (its project/ folder: the file its
    // command runs, e.g. main.py) is written into the project root unless a file of that name is there,
    // so the first run works.
    static ResultOf<Created> create(const Options& options);
    // Writes a new experiment folder (options.dir, else experiments/NAME) with this Dockerfile and
    // parameters.json, and returns that folder; refuses an existing folder and leaves nothing half-made.
    static ResultOf<QString> write(const Options& options, const QByteArray& dockerfile, const Parameters& params);

    // Checks a name without creating anything.
    static Result checkName(const QString& projectRoot, const QString& name);

    static QStringList templates();
    // The folder `create` should use when run from dir: the nearest enclosing
    // folder with an experiments/ subfolder, else the Git root.
    static ResultOf<QString> projectRootFor(const QString& dir);
};
