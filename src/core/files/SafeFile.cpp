// SPDX-License-Identifier: MIT
#include "SafeFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// A file descriptor closed when it goes out of scope.
class Fd
{
public:
    explicit Fd(int fd = -1)
        : m_fd(fd)
    {
    }
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& other) noexcept
        : m_fd(other.m_fd)
    {
        other.m_fd = -1;
    }
    Fd& operator=(Fd&& other) noexcept
    {
        std::swap(m_fd, other.m_fd);
        return *this;
    }
    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }

private:
    int m_fd;
};

QString why(int error)
{
    if (error == ELOOP)
        return QStringLiteral("it is a symbolic link, which is never followed");
    if (error == ENOTDIR)
        return QStringLiteral("a step of the path is not a folder (or is a symbolic link)");
    return QString::fromLocal8Bit(std::strerror(error));
}

// The steps from base down to the folder dir (both absolute and clean).
ResultOf<QStringList> stepsBelow(const QString& base, const QString& dir)
{
    if (dir == base)
        return QStringList();
    if (!dir.startsWith(base == QLatin1String("/") ? base : base + QLatin1Char('/')))
        return Result::failed(QStringLiteral("%1 is not inside %2").arg(dir, base));
    const QStringList steps = dir.mid(base.size()).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (const QString& s : steps) {
        if (s == QLatin1String(".") || s == QLatin1String(".."))
            return Result::failed(QStringLiteral("%1 has a \".\" or \"..\" step").arg(dir));
    }
    return steps;
}

// Opens the folder dir, following no symlink below base. create: make missing steps.
ResultOf<Fd> openFolder(const QString& base, const QString& dir, bool create)
{
    const auto steps = stepsBelow(base, dir);
    if (!steps)
        return steps.error();
    Fd fd(::open(QFile::encodeName(base).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid())
        return Result::failed(QStringLiteral("%1: %2").arg(base, why(errno)));
    QString at = base;
    for (const QString& step : *steps) {
        at += (at.endsWith(QLatin1Char('/')) ? QString() : QStringLiteral("/")) + step;
        const QByteArray name = QFile::encodeName(step);
        if (create && ::mkdirat(fd.get(), name.constData(), 0755) != 0 && errno != EEXIST)
            return Result::failed(QStringLiteral("%1: %2").arg(at, why(errno)));
        Fd next(::openat(fd.get(), name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next.valid())
            return Result::failed(QStringLiteral("%1: %2").arg(at, why(errno)));
        fd = std::move(next);
    }
    return fd;
}

QString cleanAbsolute(const QString& path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

} // namespace

namespace SafeFile {

ResultOf<QByteArray> read(const QString& path, qint64 maxBytes, const QString& base)
{
    QString problem;
    const QString file = cleanAbsolute(path);
    const QString dir = QFileInfo(file).path();
    const auto folder = openFolder(base.isEmpty() ? dir : cleanAbsolute(base), dir, false);
    std::optional<QByteArray> out;
    if (!folder) {
        problem = folder.message();
    } else {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        const Fd fd(::openat(folder->get(), QFile::encodeName(QFileInfo(file).fileName()).constData(),
                             O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        struct stat st
        {
        };
        if (!fd.valid())
            problem = QStringLiteral("%1: %2").arg(file, why(errno));
        else if (::fstat(fd.get(), &st) != 0)
            problem = QStringLiteral("%1: %2").arg(file, why(errno));
        else if (!S_ISREG(st.st_mode))
            problem = QStringLiteral("%1: not a regular file").arg(file);
        else if (st.st_size > maxBytes)
            problem = QStringLiteral("%1: larger than %2 bytes").arg(file).arg(maxBytes);
        else {
            QByteArray data;
            data.resize(qsizetype(st.st_size));
            qsizetype done = 0;
            while (done < data.size()) {
                const ssize_t n = ::read(fd.get(), data.data() + done, size_t(data.size() - done));
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0)
                    break;
                done += n;
            }
            data.truncate(done); // a file that shrank while read
            out = data;
        }
    }
    if (!out)
        return Result::failed(problem);
    return *out;
}

Result write(const QString& path, const QByteArray& data, const QString& base, Durability durability)
{
    const QString file = cleanAbsolute(path);
    const QString dir = QFileInfo(file).path();
    const QByteArray name = QFile::encodeName(QFileInfo(file).fileName());
    auto opened = openFolder(base.isEmpty() ? dir : cleanAbsolute(base), dir, false);
    if (!opened)
        return Result::failed(QStringLiteral("cannot write %1: %2").arg(file, opened.message()));
    const Fd folder = opened.take();
    // The old file, if any, must be a regular file: a planted symlink or FIFO is refused, not replaced.
    struct stat old
    {
    };
    mode_t mode = 0644;
    if (::fstatat(folder.get(), name.constData(), &old, AT_SYMLINK_NOFOLLOW) == 0) {
        if (!S_ISREG(old.st_mode))
            return Result::failed(
                QStringLiteral("cannot write %1: it is %2, not a regular file")
                    .arg(file,
                         S_ISLNK(old.st_mode) ? QStringLiteral("a symbolic link") : QStringLiteral("a special file")));
        mode = old.st_mode & 07777;
    }
    QByteArray temp;
    Fd fd;
    for (int tries = 0; tries < 16 && !fd.valid(); ++tries) {
        temp = "." + name + ".tmp-" + QByteArray::number(QRandomGenerator::global()->generate(), 36);
        fd = Fd(::openat(folder.get(), temp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
        if (!fd.valid() && errno != EEXIST)
            break;
    }
    if (!fd.valid())
        return Result::failed(QStringLiteral("cannot write %1: %2").arg(file, why(errno)));
    qsizetype done = 0;
    int error = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd.get(), data.constData() + done, size_t(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error = n < 0 ? errno : ENOSPC;
            break;
        }
        done += n;
    }
    if (error == 0 && ::fchmod(fd.get(), mode) != 0)
        error = errno;
    if (error == 0 && durability == Durability::OnDisk && ::fsync(fd.get()) != 0)
        error = errno;
    if (error == 0 && ::renameat(folder.get(), temp.constData(), folder.get(), name.constData()) != 0)
        error = errno;
    if (error != 0) {
        ::unlinkat(folder.get(), temp.constData(), 0);
        return Result::failed(QStringLiteral("cannot write %1: %2; the old file is unchanged").arg(file, why(error)));
    }
    if (durability == Durability::OnDisk)
        ::fsync(folder.get()); // the rename itself on disk
    return Result::ok();
}

Result makePath(const QString& dir, const QString& base)
{
    const auto fd = openFolder(cleanAbsolute(base), cleanAbsolute(dir), true);
    if (!fd)
        return Result::failed(QStringLiteral("cannot make the folder %1: %2").arg(dir, fd.message()));
    return Result::ok();
}

} // namespace SafeFile
