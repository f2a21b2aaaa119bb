// SPDX-License-Identifier: MIT
#include "ScratchRepository.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

ScratchRepository::ScratchRepository()
    : m_dir(QDir::tempPath() + QStringLiteral("/logistician-test-repo-XXXXXX"))
    , m_bare(QDir::tempPath() + QStringLiteral("/logistician-test-bare-XXXXXX"))
{
    m_ok = m_dir.isValid();
    if (m_ok)
        git({ QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main") });
}

QString ScratchRepository::git(const QStringList& args) const
{
    QProcess p;
    p.setWorkingDirectory(m_dir.path());
    p.start(QStringLiteral("git"),
            QStringList { QStringLiteral("-c"), QStringLiteral("user.name=Test"), QStringLiteral("-c"),
                          QStringLiteral("user.email=test@example.invalid"), QStringLiteral("-c"),
                          QStringLiteral("commit.gpgsign=false") }
                + args);
    if (!p.waitForFinished(30000) || p.exitCode() != 0)
        qWarning("git %s failed: %s", qPrintable(args.join(QLatin1Char(' '))), p.readAllStandardError().constData());
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

void ScratchRepository::writeFile(const QString& relative, const QByteArray& content, bool executable)
{
    const QString path = m_dir.filePath(relative);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(content);
    file.close();
    if (executable)
        file.setPermissions(file.permissions() | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
}

QString ScratchRepository::commitAll(const QString& message)
{
    git({ QStringLiteral("add"), QStringLiteral("-A") });
    git({ QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), message });
    return git({ QStringLiteral("rev-parse"), QStringLiteral("HEAD") });
}

QString ScratchRepository::addBareOrigin()
{
    QProcess::execute(QStringLiteral("git"),
                      { QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("--bare"), m_bare.path() });
    const QString url = QStringLiteral("file://") + m_bare.path();
    git({ QStringLiteral("remote"), QStringLiteral("add"), QStringLiteral("origin"), url });
    return url;
}
