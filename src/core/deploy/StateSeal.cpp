// SPDX-License-Identifier: MIT
#include "StateSeal.h"

#include "files/SafeFile.h"
#include "workspace/DeploymentIndex.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

constexpr qsizetype KeyBytes = 32;

// The key, made with O_EXCL and mode 0600 the first time; another process making it at the same moment wins.
ResultOf<QByteArray> key()
{
    const QString path = StateSeal::keyPath();
    if (auto existing = SafeFile::read(path, 1024); existing && existing->size() == KeyBytes * 2)
        return QByteArray::fromHex(*existing);
    QDir().mkpath(QFileInfo(path).path());
    QByteArray fresh(KeyBytes, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32*>(fresh.data()),
                                         reinterpret_cast<quint32*>(fresh.data() + fresh.size()));
    const int fd
        = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        const QByteArray hex = fresh.toHex();
        const bool written = ::write(fd, hex.constData(), size_t(hex.size())) == hex.size() && ::fsync(fd) == 0;
        ::close(fd);
        if (written)
            return fresh;
        ::unlink(QFile::encodeName(path).constData());
    }
    const auto made = SafeFile::read(path, 1024);
    if (made && made->size() == KeyBytes * 2)
        return QByteArray::fromHex(*made);
    return made ? Result::failed(QStringLiteral("%1: cannot make the state key").arg(path)) : made.error();
}

QByteArray mac(const QByteArray& secret, const QString& stateDir, const QByteArray& text)
{
    // Bound to the folder too: a sealed state copied into another project is not that project's.
    const QString folder = QFileInfo(stateDir).canonicalFilePath().isEmpty()
        ? QDir::cleanPath(QFileInfo(stateDir).absoluteFilePath())
        : QFileInfo(stateDir).canonicalFilePath();
    return QMessageAuthenticationCode::hash(folder.toUtf8() + '\0' + text, secret, QCryptographicHash::Sha256).toHex();
}

} // namespace

namespace StateSeal {

QString keyPath()
{
    return QFileInfo(DeploymentIndex::defaultFolder()).path() + QStringLiteral("/state.key");
}

bool verify(const QString& stateDir, const QByteArray& text)
{
    const auto seal = SafeFile::read(stateDir + QLatin1Char('/') + QLatin1String(FileName), 4096);
    if (!seal)
        return false;
    const auto secret = key();
    if (!secret)
        return false;
    const QByteArray expected = mac(*secret, stateDir, text);
    for (const QByteArray& line : seal->split('\n')) {
        if (line.trimmed() == expected)
            return true;
    }
    return false;
}

Result write(const QString& stateDir, const QByteArray& text, const QByteArray& previous)
{
    const auto secret = key();
    if (!secret)
        return secret.error();
    QByteArray seal = mac(*secret, stateDir, text) + '\n';
    if (!previous.isEmpty())
        seal += mac(*secret, stateDir, previous) + '\n';
    return SafeFile::write(stateDir + QLatin1Char('/') + QLatin1String(FileName), seal,
                           QFileInfo(stateDir).absolutePath());
}

} // namespace StateSeal
