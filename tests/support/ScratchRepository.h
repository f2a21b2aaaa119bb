// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QTemporaryDir>

// A throwaway Git working tree (made with the real git), optionally with a
// bare file:// origin, for tests. Removed when it goes out of scope.
class ScratchRepository
{
public:
    ScratchRepository();

    bool isValid() const { return m_ok; }
    QString path() const { return m_dir.path(); }
    QString filePath(const QString& relative) const { return m_dir.filePath(relative); }

    void writeFile(const QString& relative, const QByteArray& content, bool executable = false);
    // git add -A && git commit; returns the new HEAD id.
    QString commitAll(const QString& message = QStringLiteral("test commit"));
    // Creates a bare repository beside this one and sets it as origin; returns its URL.
    QString addBareOrigin();
    // Runs git with args in the working tree; returns stdout, fails the test on error.
    QString git(const QStringList& args) const;

private:
    QTemporaryDir m_dir;
    QTemporaryDir m_bare;
    bool m_ok = false;
};
