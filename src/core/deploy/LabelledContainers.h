// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

// The containers deploy labelled (logistician.experiment, logistician.commit), read back from an engine with
// Docker::listLabelled: what finds a running container whose .logistician (or whole project) is gone, and
// the containers of another commit a redeploy must not adopt. Label values come from whatever made the
// container, so each is checked before it is used in a command; a line that fails is refused, never used.
namespace LabelledContainers {

struct Found
{
    QString name;
    QString experiment;
    QString commit; // 40 hex digits
    QString image;
    bool running = false;
};

// The lines of Docker::listLabelled; each refused line adds why to *refused.
QList<Found> parse(const QByteArray& out, QStringList* refused);
// Checks of one value each: empty when fine, else why not.
QString checkName(const QString& name);
QString checkCommit(const QString& commit);
QString checkImage(const QString& image);

// Docker::listLabelled on this machine's engine, waited for (the CLI's list and terminate; at most 30 s).
// Nothing and no error when no engine answers.
QList<Found> scanLocal(const QString& docker, const QString& experiment, QStringList* refused);

// The image deploy builds for an experiment and commit when there is no registry.
QString builtImage(const QString& experiment, const QString& commit);

// Names of the containers, and the images they run (each once).
QStringList names(const QList<Found>& found);
QStringList images(const QList<Found>& found);

} // namespace LabelledContainers
