// SPDX-License-Identifier: MIT
#include "LabelledContainers.h"

#include "Docker.h"
#include "Logging.h"
#include "Parameters.h"

#include <QProcess>
#include <QRegularExpression>

namespace LabelledContainers {

namespace {

bool matches(const QString& pattern, const QString& text)
{
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(text).hasMatch();
}

} // namespace

QString checkName(const QString& name)
{
    // Docker's own container name rule.
    return matches(QStringLiteral("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}"), name) ? QString()
                                                                             : QStringLiteral("not a container name");
}

QString checkCommit(const QString& commit)
{
    return matches(QStringLiteral("[0-9a-f]{40}"), commit) ? QString() : QStringLiteral("not a commit id");
}

QString checkImage(const QString& image)
{
    // A reference (registry/path:tag, @digest) or an image id; never a word beginning with '-'.
    return matches(QStringLiteral("[a-z0-9][a-z0-9._/:@-]{0,254}"), image) ? QString()
                                                                           : QStringLiteral("not an image reference");
}

QList<Found> parse(const QByteArray& out, QStringList* refused)
{
    QList<Found> found;
    const QStringList lines = QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString& line : lines) {
        const QStringList f = line.split(QLatin1Char('\t'));
        Found c;
        c.name = f.value(0);
        c.experiment = f.value(1);
        c.commit = f.value(2);
        c.image = f.value(3);
        c.running = f.value(4) == QLatin1String("running");
        QString why;
        if (f.size() != 5)
            why = QStringLiteral("not five fields");
        else if (!(why = checkName(c.name)).isEmpty())
            ;
        else if (!Parameters::isValidExperimentName(c.experiment))
            why = QStringLiteral("label logistician.experiment is not an experiment name");
        else if (!(why = checkCommit(c.commit)).isEmpty())
            why = QStringLiteral("label logistician.commit is ") + why;
        else if (!(why = checkImage(c.image)).isEmpty())
            ;
        if (!why.isEmpty()) {
            QString shown = line.left(120);
            for (QChar& ch : shown) {
                if (ch.unicode() < 0x20)
                    ch = QLatin1Char('?');
            }
            qCWarning(lcDeploy) << "refusing a labelled container:" << why << shown;
            if (refused)
                *refused << QStringLiteral("%1: %2").arg(shown, why);
            continue;
        }
        found << c;
    }
    return found;
}

QList<Found> scanLocal(const QString& docker, const QString& experiment, QStringList* refused)
{
    if (!Docker::engineAnswers())
        return {};
    const Command c = Docker::listLabelled(docker, experiment);
    QProcess ps;
    ps.start(c.program, c.arguments);
    if (!ps.waitForFinished(30000) || ps.exitStatus() != QProcess::NormalExit || ps.exitCode() != 0) {
        if (refused)
            *refused
                << QStringLiteral("docker ps failed: %1").arg(QString::fromUtf8(ps.readAllStandardError()).trimmed());
        ps.kill();
        ps.waitForFinished();
        return {};
    }
    return parse(ps.readAllStandardOutput(), refused);
}

QString builtImage(const QString& experiment, const QString& commit)
{
    return QStringLiteral("logistician/%1:%2").arg(experiment.toLower(), commit.left(12));
}

QStringList names(const QList<Found>& found)
{
    QStringList out;
    for (const Found& f : found)
        out << f.name;
    return out;
}

QStringList images(const QList<Found>& found)
{
    QStringList out;
    for (const Found& f : found) {
        if (!out.contains(f.image))
            out << f.image;
    }
    return out;
}

} // namespace LabelledContainers
