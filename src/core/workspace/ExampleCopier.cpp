// SPDX-License-Identifier: MIT
#include "ExampleCopier.h"

#include "Parameters.h"
#include "git/GitRepository.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTemporaryDir>

namespace {

QString firstParagraph(const QString& readme)
{
    QFile f(readme);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList lines;
    for (const QString& line : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'))) {
        const QString t = line.trimmed();
        if (t.startsWith(QLatin1Char('#')) && lines.isEmpty())
            continue; // the title
        if (t.isEmpty()) {
            if (lines.isEmpty())
                continue;
            break;
        }
        lines << t;
    }
    return lines.join(QLatin1Char(' '));
}

QString firstExperiment(const QString& root)
{
    QStringList names = QDir(root + QStringLiteral("/experiments")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    names.sort();
    for (const QString& n : names) {
        const QString dir = root + QStringLiteral("/experiments/") + n;
        if (QFileInfo::exists(dir + QStringLiteral("/parameters.json")))
            return dir;
    }
    return {};
}

// Run results and deployment state of a try-out in the shipped folder stay behind.
bool leftBehind(const QString& relative)
{
    const QStringList parts = relative.split(QLatin1Char('/'));
    return parts.contains(QStringLiteral("data")) || parts.contains(QStringLiteral(".logistician"))
        || parts.contains(QStringLiteral(".git")) || parts.contains(QStringLiteral("__pycache__"));
}

Result copyTree(const QString& from, const QString& to)
{
    QDirIterator it(from, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    const QDir source(from);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = source.relativeFilePath(path);
        if (leftBehind(relative))
            continue;
        const QString target = to + QLatin1Char('/') + relative;
        if (!QDir().mkpath(QFileInfo(target).path()) || !QFile::copy(path, target))
            return Result::failed(QStringLiteral("cannot copy %1 to %2").arg(path, target));
        // Shipped files are read-only when installed; the user's copy is theirs to edit.
        QFile::setPermissions(target, QFile::permissions(target) | QFile::WriteOwner);
    }
    return Result::ok();
}

} // namespace

QString ExampleCopier::experimentNameFor(const QString& destination, const QString& experiment)
{
    // The destination folder's name and the experiment's folder ("optimise-1" for ~/optimise): two copies in
    // folders of different names never share an experiment name, so their deployments can run side by side.
    QString name;
    for (const QChar ch : QFileInfo(QDir::cleanPath(destination)).fileName() + QLatin1Char('-') + experiment) {
        const bool keep
            = ch.unicode() < 128 && (ch.isLetterOrNumber() || ch == QLatin1Char('.') || ch == QLatin1Char('_'));
        if (keep)
            name += ch;
        else if (!name.isEmpty() && !name.endsWith(QLatin1Char('-')))
            name += QLatin1Char('-');
    }
    while (!name.isEmpty() && !name.at(0).isLetterOrNumber())
        name.remove(0, 1);
    name.truncate(63);
    while (name.endsWith(QLatin1Char('-')))
        name.chop(1);
    return Parameters::isValidExperimentName(name) ? name : QString();
}

namespace {

// Sets experiment_name in a copied parameters.json, changing nothing else of the file (its key order,
// spacing and other keys): the value is a name of [A-Za-z0-9._-], so it needs no JSON escaping.
Result renameExperiment(const QString& path, const QString& name)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result::failed(QStringLiteral("cannot read %1").arg(path));
    QString text = QString::fromUtf8(file.readAll());
    file.close();
    static const QRegularExpression key(QStringLiteral("(\"experiment_name\"\\s*:\\s*\")[^\"\\\\]*(\")"));
    const QRegularExpressionMatch m = key.match(text);
    if (!m.hasMatch())
        return Result::ok(); // none to rename: the example names none
    text.replace(m.capturedStart(), m.capturedLength(), m.captured(1) + name + m.captured(2));
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(text.toUtf8()) < 0 || !out.commit())
        return Result::failed(QStringLiteral("%1: cannot save: %2").arg(path, out.errorString()));
    return Result::ok();
}

} // namespace

QList<ExampleCopier::Example> ExampleCopier::available(const QString& examplesDir)
{
    QList<Example> out;
    QStringList names = QDir(examplesDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    names.sort();
    for (const QString& name : names) {
        const QString folder = examplesDir + QLatin1Char('/') + name;
        if (firstExperiment(folder).isEmpty())
            continue;
        out << Example { name, firstParagraph(folder + QStringLiteral("/README.md")), folder };
    }
    return out;
}

ResultOf<QString> ExampleCopier::copy(const QString& examplesDir, const QString& name, const QString& destination)
{
    const QList<Example> examples = available(examplesDir);
    const auto found = std::find_if(examples.begin(), examples.end(), [&](const Example& e) { return e.name == name; });
    if (found == examples.end()) {
        QStringList names;
        for (const Example& e : examples)
            names << e.name;
        return Result::badInput(QStringLiteral("there is no example called \"%1\" in %2 (there are: %3)")
                                    .arg(name, examplesDir, names.join(QStringLiteral(", "))));
    }
    const QFileInfo dest(destination);
    if (dest.exists()
        && !(dest.isDir() && QDir(destination).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)))
        return Result::badInput(QStringLiteral("%1 already exists and is not an empty folder").arg(destination));
    const QString parent = dest.absolutePath();
    if (!QDir().mkpath(parent))
        return Result::failed(QStringLiteral("cannot create %1").arg(parent));

    // Built beside the destination and moved into place whole, so a failure leaves nothing half-made.
    QTemporaryDir work(parent + QStringLiteral("/.logistician-example-XXXXXX"));
    if (!work.isValid())
        return Result::failed(QStringLiteral("cannot create a folder in %1").arg(parent));
    const QString staged = work.path() + QStringLiteral("/") + name;
    if (Result copied = copyTree(found->folder, staged); !copied)
        return copied;
    // The package leaves VCS files out of the shipped examples (lintian's rule), so each experiment's
    // run output and state are ignored here, as `create` does for a new experiment.
    const QStringList experiments
        = QDir(staged + QStringLiteral("/experiments")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& experiment : experiments) {
        // The copy's experiment is named after its destination, in the copy's first commit.
        const QString name = experimentNameFor(destination, experiment);
        const QString parameters
            = staged + QStringLiteral("/experiments/") + experiment + QStringLiteral("/parameters.json");
        if (!name.isEmpty() && QFileInfo::exists(parameters)) {
            if (Result renamed = renameExperiment(parameters, name); !renamed)
                return renamed;
        }
        const QString path = staged + QStringLiteral("/experiments/") + experiment + QStringLiteral("/.gitignore");
        if (QFileInfo::exists(path))
            continue;
        QFile ignore(path);
        if (!ignore.open(QIODevice::WriteOnly) || ignore.write(".logistician/\ndata/\n") < 0)
            return Result::failed(QStringLiteral("cannot write %1").arg(path));
    }
    if (Result committed
        = GitRepository::initWithCommit(staged, QStringLiteral("The %1 example of Logistician").arg(name));
        !committed)
        return committed;
    if (dest.exists())
        QDir().rmdir(destination);
    if (!QDir().rename(staged, dest.absoluteFilePath()))
        return Result::failed(QStringLiteral("cannot move the copy to %1").arg(destination));
    return firstExperiment(dest.absoluteFilePath());
}
