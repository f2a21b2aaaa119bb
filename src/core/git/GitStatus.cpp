// SPDX-License-Identifier: MIT
#include "GitStatus.h"

#include "Logging.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

namespace {

// dir relative to root with a trailing slash; empty for root itself, a null string when dir is not below root.
QString prefixOf(const QString& root, const QString& dir)
{
    const QString canonical = QDir(dir).canonicalPath();
    const QString absolute = canonical.isEmpty() ? QDir(dir).absolutePath() : canonical;
    if (absolute == root)
        return QStringLiteral("");
    if (!absolute.startsWith(root + QLatin1Char('/')))
        return QString();
    return absolute.mid(root.size() + 1) + QLatin1Char('/');
}

} // namespace

bool GitStatus::Snapshot::isDirty(const QString& experimentDir) const
{
    return !changesBelow(experimentDir).isEmpty();
}

GitStatus::Snapshot::Word GitStatus::Snapshot::word(const QString& experimentDir) const
{
    if (!inRepository)
        return Word::Unknown;
    const QString prefix = prefixOf(root, experimentDir);
    if (prefix.isNull())
        return Word::Unknown;
    const QList<GitRepository::Change> below = changesBelow(experimentDir);
    if (below.isEmpty())
        return Word::Clean;
    const QString parameters = prefix + QStringLiteral("parameters.json");
    const bool never = std::any_of(below.cbegin(), below.cend(), [&](const GitRepository::Change& c) {
        return c.path == parameters && (c.untracked() || c.kind == GitRepository::Change::Kind::Added);
    });
    return never ? Word::NotCommitted : Word::Modified;
}

QList<GitRepository::Change> GitStatus::Snapshot::changesBelow(const QString& experimentDir) const
{
    QList<GitRepository::Change> below;
    if (!inRepository)
        return below;
    const QString prefix = prefixOf(root, experimentDir);
    if (prefix.isNull())
        return below;
    std::copy_if(changes.cbegin(), changes.cend(), std::back_inserter(below),
                 [&](const GitRepository::Change& c) { return c.path.startsWith(prefix); });
    return below;
}

bool GitStatus::Snapshot::operator==(const Snapshot& other) const
{
    if (dir != other.dir || inRepository != other.inRepository || root != other.root || head != other.head
        || branch != other.branch || remoteUrl != other.remoteUrl || changes.size() != other.changes.size())
        return false;
    for (int i = 0; i < changes.size(); ++i) {
        if (changes.at(i).path != other.changes.at(i).path || changes.at(i).kind != other.changes.at(i).kind)
            return false;
    }
    return true;
}

GitStatus::Snapshot GitStatus::read(const QString& dir)
{
    Snapshot s;
    s.dir = QDir(dir).absolutePath();
    auto repo = GitRepository::discover(dir).valueOr(nullptr);
    if (!repo)
        return s;
    s.inRepository = true;
    s.root = QDir(repo->workdir()).canonicalPath();
    s.gitDir = repo->gitDir();
    s.commonDir = repo->commonDir();
    s.head = repo->headCommit();
    s.branch = repo->headBranch();
    s.remoteUrl = repo->remoteUrl();
    s.changes = repo->changes();
    return s;
}

GitStatus::GitStatus(QObject* parent)
    : QObject(parent)
    , m_watcher(new QFileSystemWatcher(this))
    , m_debounce(new QTimer(this))
    , m_poll(new QTimer(this))
{
    // A commit touches several files in a row (objects, the index, the branch): one walk after they settle.
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &GitStatus::startWalk);
    m_poll->setSingleShot(true);
    connect(m_poll, &QTimer::timeout, this, &GitStatus::startWalk);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &GitStatus::refresh);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &GitStatus::refresh);
    connect(&m_walk, &QFutureWatcher<Snapshot>::finished, this, &GitStatus::onWalked);
}

GitStatus::~GitStatus()
{
    // A walk still running works on copies; its answer goes nowhere.
    m_walk.disconnect(this);
}

void GitStatus::setDirectory(const QString& dir, const Snapshot& known)
{
    m_dir = QDir(dir).absolutePath();
    const bool seeded = known.dir == m_dir && known != m_snapshot;
    if (known.dir == m_dir)
        m_snapshot = known;
    else
        m_snapshot = Snapshot();
    watchGitFiles();
    if (seeded)
        Q_EMIT changed();
    refresh();
}

void GitStatus::setDirectory(const QString& dir)
{
    setDirectory(dir, Snapshot());
}

void GitStatus::setPollInterval(int ms)
{
    m_pollMs = std::max(50, ms);
}

void GitStatus::refresh()
{
    if (m_dir.isEmpty())
        return;
    if (m_walk.isRunning()) {
        m_again = true;
        return;
    }
    m_debounce->start();
}

void GitStatus::startWalk()
{
    if (m_dir.isEmpty())
        return;
    if (m_walk.isRunning()) {
        m_again = true;
        return;
    }
    m_poll->stop();
    m_again = false;
    m_walkTime.start();
    m_walk.setFuture(QtConcurrent::run([dir = m_dir] { return read(dir); }));
}

void GitStatus::onWalked()
{
    const Snapshot walked = m_walk.result();
    // The periodic check backs off on a tree whose walk is slow: at most a fifth of the time walking.
    const qint64 took = m_walkTime.elapsed();
    if (walked.dir == m_dir) {
        const bool moved = walked.gitDir != m_snapshot.gitDir || walked.commonDir != m_snapshot.commonDir;
        if (walked != m_snapshot) {
            m_snapshot = walked;
            if (moved)
                watchGitFiles();
            qCDebug(lcGit) << "state of" << m_dir << ":" << walked.head.left(8) << walked.changes.size()
                           << "changes, walked in" << took << "ms";
            Q_EMIT changed();
        } else if (moved) {
            watchGitFiles();
        }
    }
    if (m_again)
        m_debounce->start();
    else
        m_poll->start(static_cast<int>(std::max<qint64>(m_pollMs, took * 5)));
}

void GitStatus::watchGitFiles()
{
    const QStringList old = m_watcher->files() + m_watcher->directories();
    if (!old.isEmpty())
        m_watcher->removePaths(old);
    if (!m_snapshot.inRepository)
        return;
    // Git replaces its files by renaming a .lock over them: the folders holding them tell, the files may not.
    QStringList paths { m_snapshot.gitDir, m_snapshot.gitDir + QStringLiteral("/HEAD"),
                        m_snapshot.gitDir + QStringLiteral("/index") };
    const QString refs = m_snapshot.commonDir + QStringLiteral("/refs/heads");
    paths << refs;
    // A branch named a/b lives in refs/heads/a/.
    const QStringList nested = QDir(refs).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& sub : nested)
        paths << refs + QLatin1Char('/') + sub;
    if (m_snapshot.commonDir != m_snapshot.gitDir)
        paths << m_snapshot.commonDir;
    QStringList existing;
    for (const QString& path : std::as_const(paths)) {
        if (QFileInfo::exists(path))
            existing << path;
    }
    if (!existing.isEmpty())
        m_watcher->addPaths(existing);
}
