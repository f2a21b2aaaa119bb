// SPDX-License-Identifier: MIT
#include "ExampleCopier.h"

#include "git/GitRepository.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
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

Result ExampleCopier::copy(const QString& examplesDir, const QString& name, const QString& destination,
                           QString* experimentDir)
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
    if (experimentDir)
        *experimentDir = firstExperiment(dest.absoluteFilePath());
    return Result::ok();
}
