// SPDX-License-Identifier: MIT
#pragma once

#include "git/GitRepository.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QList>
#include <QObject>
#include <QString>

class QFileSystemWatcher;
class QTimer;

// One project's Git state as the disk has it, the one answer every view reads
// (the project browser, an experiment's header), so they never disagree. The
// status walk runs on a worker thread; it runs again when Git's own files change
// (HEAD, the index, the branches: a commit or checkout made in a terminal) and,
// for edits in the working tree, on a cheap periodic check that backs off on a
// big tree. changed() is emitted when the answer differs from the last one.
class GitStatus : public QObject
{
    Q_OBJECT
public:
    struct Snapshot
    {
        QString dir; // the folder asked about, absolute
        bool inRepository = false;
        QString root; // the working tree, canonical
        QString gitDir; // the repository's own folder (.git, or a worktree's)
        QString commonDir; // where the branches live (the same as gitDir outside a linked worktree)
        QString head; // full id; empty before the first commit
        QString branch; // empty when detached or unborn
        QString remoteUrl;
        QList<GitRepository::Change> changes; // untracked files included, ignored ones not

        // Anything in the working tree that the last commit does not hold.
        bool isDirty() const { return !changes.isEmpty(); }
        // The changes below experimentDir (absolute): what the browser and the header call "modified".
        bool isDirty(const QString& experimentDir) const;
        // What the browser's Git column and the experiment's header say, in one word each.
        enum class Word
        {
            Unknown, // no walk in yet, or no repository
            Clean,
            Modified,
            NotCommitted // its parameters.json is in no commit: the experiment was never committed
        };
        Word word(const QString& experimentDir) const;
        QList<GitRepository::Change> changesBelow(const QString& experimentDir) const;
        bool operator==(const Snapshot& other) const;
        bool operator!=(const Snapshot& other) const { return !(*this == other); }
    };

    // The walk itself: safe on any thread.
    static Snapshot read(const QString& dir);

    explicit GitStatus(QObject* parent = nullptr);
    ~GitStatus() override;

    // Follows dir's repository from now on; `known` (a scan's snapshot of the same folder) is taken as the
    // current answer until the first walk of its own is in.
    void setDirectory(const QString& dir, const Snapshot& known);
    void setDirectory(const QString& dir);
    QString directory() const { return m_dir; }
    const Snapshot& snapshot() const { return m_snapshot; }
    // Walks again soon (several calls in a short while make one walk).
    void refresh();
    // The longest wait between walks for edits in the working tree; 1 s unless set.
    void setPollInterval(int ms);

Q_SIGNALS:
    void changed();

private:
    void startWalk();
    void onWalked();
    void watchGitFiles();

    QString m_dir;
    Snapshot m_snapshot;
    QFileSystemWatcher* m_watcher;
    QTimer* m_debounce;
    QTimer* m_poll;
    QFutureWatcher<Snapshot> m_walk;
    QElapsedTimer m_walkTime;
    bool m_again = false; // asked for while a walk ran
    int m_pollMs = 1000;
};
