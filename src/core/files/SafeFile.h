// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

// Files in folders that a container, a host or a cloned project can also write:
// the one way the tool reads and writes them. No symlink is followed below the
// trusted base folder (each step is opened with O_NOFOLLOW, relative to the one
// before), nothing but a regular file is read (a FIFO never blocks), reads are
// bounded, and a write goes to a new temporary file that is renamed over the old
// one only when it is whole and on disk: a full disk leaves the old file and says so.
namespace SafeFile {

// OnDisk: the file and its rename are forced to disk (fsync) before write returns. Whole: only
// renamed into place whole (readers never see half of it), for a file its writer makes again
// whenever it is needed (deploy's files for the runner): an fsync costs about 10 ms on a busy disk.
enum class Durability
{
    OnDisk,
    Whole
};

// base: a folder this user's Logistician trusts (it made it, or the user chose it);
// path: a file at or below it. An empty base trusts the file's own folder only.
// Failed saying why (naming the file) when it cannot be read.
ResultOf<QByteArray> read(const QString& path, qint64 maxBytes, const QString& base = QString());
Result write(const QString& path, const QByteArray& data, const QString& base = QString(),
             Durability durability = Durability::OnDisk);
// Makes each missing folder from base down to dir, refusing a symlink on the way.
Result makePath(const QString& dir, const QString& base);

} // namespace SafeFile
