// SPDX-License-Identifier: MIT
#include "GitRepository.h"

#include "Logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace {

// libgit2 needs one global init before any call.
void ensureLibgit2()
{
    static const int once = git_libgit2_init();
    Q_UNUSED(once);
}

// Frees a libgit2 object when it leaves scope.
template<typename T, void (*Free)(T*)> struct Handle
{
    T* ptr = nullptr;
    Handle() = default;
    // Owned by one Handle at a time: moved (out of a ResultOf), never copied.
    Handle(Handle&& other) noexcept
        : ptr(std::exchange(other.ptr, nullptr))
    {
    }
    Handle& operator=(Handle&& other) noexcept
    {
        std::swap(ptr, other.ptr);
        return *this;
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle()
    {
        if (ptr)
            Free(ptr);
    }
    T** out() { return &ptr; }
};

struct ExportContext
{
    git_repository* repo;
    QString destination;
    QString error;
    // Every path written, and those that are symlinks: a tree (from anyone's clone) may name a path twice, as
    // a symlink and as a folder, to have the second write go through the first.
    QSet<QString> written;
    QSet<QString> links;
};

// A path of a tree that could make the export write outside its folder: a repeated path, a step through a
// symlink this export made, or a "." or ".." step. Empty when it is safe.
QString unsafeExportPath(const ExportContext& ctx, const QString& relative)
{
    if (ctx.written.contains(relative))
        return QStringLiteral("%1 is in the commit twice").arg(relative);
    const QStringList steps = relative.split(QLatin1Char('/'));
    QString prefix;
    for (const QString& step : steps) {
        if (step.isEmpty() || step == QLatin1String(".") || step == QLatin1String(".."))
            return QStringLiteral("%1 has an empty, \".\" or \"..\" step").arg(relative);
        prefix += (prefix.isEmpty() ? QString() : QStringLiteral("/")) + step;
        if (prefix != relative && ctx.links.contains(prefix))
            return QStringLiteral("%1 goes through the symbolic link %2").arg(relative, prefix);
    }
    return QString();
}

struct CopyContext
{
    git_odb* from;
    git_odb* to;
};

int copyObject(git_odb* from, git_odb* to, const git_oid* id)
{
    git_odb_object* object = nullptr;
    if (git_odb_read(&object, from, id) != 0)
        return -1;
    git_oid written;
    const int rc = git_odb_write(&written, to, git_odb_object_data(object), git_odb_object_size(object),
                                 git_odb_object_type(object));
    git_odb_object_free(object);
    return rc;
}

int copyEntry(const char*, const git_tree_entry* entry, void* payload)
{
    auto* ctx = static_cast<CopyContext*>(payload);
    if (git_tree_entry_type(entry) == GIT_OBJECT_COMMIT) // a submodule's commit is not in this repository
        return 0;
    return copyObject(ctx->from, ctx->to, git_tree_entry_id(entry));
}

int exportEntry(const char* root, const git_tree_entry* entry, void* payload)
{
    auto* ctx = static_cast<ExportContext*>(payload);
    const QString relative = QString::fromUtf8(root) + QString::fromUtf8(git_tree_entry_name(entry));
    const QString target = ctx->destination + QLatin1Char('/') + relative;
    const git_filemode_t mode = git_tree_entry_filemode(entry);
    if (const QString why = unsafeExportPath(*ctx, relative); !why.isEmpty()) {
        ctx->error = QStringLiteral("refusing to export: %1").arg(why);
        return -1;
    }
    ctx->written.insert(relative);

    if (mode == GIT_FILEMODE_TREE) {
        // A new folder, never one that is there (or a symlink in its place).
        if (::mkdir(QFile::encodeName(target).constData(), 0755) != 0) {
            ctx->error = QStringLiteral("cannot create %1: %2").arg(target, QString::fromLocal8Bit(strerror(errno)));
            return -1;
        }
        return 0;
    }
    if (mode == GIT_FILEMODE_COMMIT) // a submodule: its files are not in this repository
        return 0;

    Handle<git_blob, git_blob_free> blob;
    if (git_blob_lookup(blob.out(), ctx->repo, git_tree_entry_id(entry)) != 0) {
        ctx->error = GitRepository::lastError();
        return -1;
    }
    const QByteArray content(static_cast<const char*>(git_blob_rawcontent(blob.ptr)),
                             static_cast<int>(git_blob_rawsize(blob.ptr)));
    if (mode == GIT_FILEMODE_LINK) {
        if (!QFile::link(QString::fromUtf8(content), target)) {
            ctx->error = QStringLiteral("cannot create symlink %1").arg(target);
            return -1;
        }
        ctx->links.insert(relative);
        return 0;
    }
    // A new file: O_EXCL and O_NOFOLLOW, so nothing already there (a symlink) is written through.
    const int fd = ::open(QFile::encodeName(target).constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                          mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644);
    if (fd < 0) {
        ctx->error = QStringLiteral("cannot write %1: %2").arg(target, QString::fromLocal8Bit(strerror(errno)));
        return -1;
    }
    qsizetype done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.constData() + done, size_t(content.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += n;
    }
    ::close(fd);
    if (done != content.size()) {
        ctx->error = QStringLiteral("cannot write %1").arg(target);
        return -1;
    }
    return 0;
}

// A commit and its tree.
struct CommitTree
{
    Handle<git_commit, git_commit_free> commit;
    Handle<git_tree, git_tree_free> tree;
};

// The commit that spec names and its tree; Failed saying why not.
ResultOf<CommitTree> lookUpCommit(git_repository* repo, const QString& spec)
{
    CommitTree found;
    Handle<git_commit, git_commit_free>& commit = found.commit;
    Handle<git_tree, git_tree_free>& tree = found.tree;
    Handle<git_object, git_object_free> object;
    if (git_revparse_single(object.out(), repo, spec.toUtf8().constData()) != 0)
        return Result::failed(QStringLiteral("no commit %1: %2").arg(spec, GitRepository::lastError()));
    if (git_commit_lookup(commit.out(), repo, git_object_id(object.ptr)) != 0)
        return Result::failed(QStringLiteral("%1 is not a commit").arg(spec));
    if (git_commit_tree(tree.out(), commit.ptr) != 0)
        return Result::failed(GitRepository::lastError());
    return found;
}

} // namespace

GitRepository::GitRepository(git_repository* repo)
    : m_repo(repo)
{
}

GitRepository::~GitRepository()
{
    git_repository_free(m_repo);
}

QString GitRepository::lastError()
{
    const git_error* e = git_error_last();
    return e && e->message ? QString::fromUtf8(e->message) : QStringLiteral("unknown Git error");
}

ResultOf<std::unique_ptr<GitRepository>> GitRepository::discover(const QString& path)
{
    ensureLibgit2();
    git_repository* repo = nullptr;
    const QByteArray native = QDir(path).absolutePath().toUtf8();
    if (git_repository_open_ext(&repo, native.constData(), 0, nullptr) != 0) {
        qCDebug(lcGit) << "no repository above" << path << ":" << lastError();
        return Result::badInput(QStringLiteral("%1 is not inside a Git repository").arg(QDir(path).absolutePath()));
    }
    if (git_repository_is_bare(repo)) {
        git_repository_free(repo);
        return Result::badInput(
            QStringLiteral("%1 is a bare Git repository; an experiment needs a working tree").arg(path));
    }
    qCDebug(lcGit) << "discovered" << git_repository_workdir(repo) << "from" << path;
    return std::unique_ptr<GitRepository>(new GitRepository(repo));
}

Result GitRepository::init(const QString& path)
{
    ensureLibgit2();
    git_repository* repo = nullptr;
    if (git_repository_init(&repo, QDir(path).absolutePath().toUtf8().constData(), 0) != 0)
        return Result::failed(QStringLiteral("%1: cannot make a Git repository: %2").arg(path, lastError()));
    git_repository_free(repo);
    return Result::ok();
}

QString GitRepository::workdir() const
{
    QString dir = QString::fromUtf8(git_repository_workdir(m_repo));
    while (dir.size() > 1 && dir.endsWith(QLatin1Char('/')))
        dir.chop(1);
    return dir;
}

namespace {
QString withoutSlash(const char* path)
{
    QString dir = QString::fromUtf8(path);
    while (dir.size() > 1 && dir.endsWith(QLatin1Char('/')))
        dir.chop(1);
    return dir;
}
} // namespace

QString GitRepository::gitDir() const
{
    return withoutSlash(git_repository_path(m_repo));
}

QString GitRepository::commonDir() const
{
    return withoutSlash(git_repository_commondir(m_repo));
}

QString GitRepository::headCommit() const
{
    git_oid oid;
    if (git_reference_name_to_id(&oid, m_repo, "HEAD") != 0)
        return QString();
    return QString::fromLatin1(git_oid_tostr_s(&oid));
}

namespace {

GitRepository::Change::Kind kindOf(unsigned int status)
{
    using Kind = GitRepository::Change::Kind;
    if (status & GIT_STATUS_WT_NEW)
        return (status & GIT_STATUS_INDEX_NEW) ? Kind::Added : Kind::Untracked;
    if (status & (GIT_STATUS_WT_DELETED | GIT_STATUS_INDEX_DELETED))
        return Kind::Deleted;
    if (status & (GIT_STATUS_WT_RENAMED | GIT_STATUS_INDEX_RENAMED))
        return Kind::Renamed;
    if (status & (GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_INDEX_TYPECHANGE))
        return Kind::TypeChanged;
    if (status & GIT_STATUS_INDEX_NEW)
        return Kind::Added;
    return Kind::Modified;
}

// One status walk: tracked changes, and untracked files (each one, inside new folders too) unless ignored;
// below `under` only when it is given.
bool statusList(git_repository* repo, bool untracked, git_status_list** list, const QString& under = QString())
{
    git_status_options opts = GIT_STATUS_OPTIONS_INIT;
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    if (untracked)
        opts.flags |= GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
    QString folder = under;
    if (folder.endsWith(QLatin1Char('/')))
        folder.chop(1);
    const QByteArray spec = folder.toUtf8();
    char* specs[] = { const_cast<char*>(spec.constData()) };
    if (!under.isEmpty()) {
        opts.pathspec.strings = specs;
        opts.pathspec.count = 1;
        opts.flags |= GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH; // a folder, not a pattern
    }
    return git_status_list_new(list, repo, &opts) == 0;
}

// An untracked file Logistician wrote itself: below a .logistician/ folder, in the data/ folder of an
// experiment (a folder with a parameters.json), or its machines.txt. These count as ignored even where no
// .gitignore says so (an original-style experiment), so the app's own output never makes a tree dirty.
class OwnOutput
{
public:
    explicit OwnOutput(const QString& root)
        : m_root(root)
    {
    }
    bool contains(const QString& path)
    {
        const QStringList parts = path.split(QLatin1Char('/'));
        QString folder = m_root;
        for (int i = 0; i + 1 < parts.size(); ++i) {
            if (parts.at(i) == QLatin1String(".logistician"))
                return true;
            if (parts.at(i) == QLatin1String("data") && isExperiment(folder))
                return true;
            folder += QLatin1Char('/') + parts.at(i);
        }
        // machines.txt: written beside parameters.json by a remote deployment, for the original tool's users.
        return parts.constLast() == QLatin1String("machines.txt") && isExperiment(folder);
    }

private:
    bool isExperiment(const QString& folder)
    {
        auto it = m_known.constFind(folder);
        if (it == m_known.constEnd())
            it = m_known.insert(folder, QFileInfo::exists(folder + QStringLiteral("/parameters.json")));
        return *it;
    }
    QString m_root;
    QHash<QString, bool> m_known;
};

// dir relative to the working tree root, with a trailing slash; empty for the root itself.
QString prefixIn(const QString& workdir, const QString& dir)
{
    const QString root = QDir(workdir).canonicalPath();
    const QString canonical = QDir(dir).canonicalPath();
    const QString absolute = canonical.isEmpty() ? QDir(dir).absolutePath() : canonical;
    const QString relative = QDir(root.isEmpty() ? workdir : root).relativeFilePath(absolute);
    if (relative.isEmpty() || relative == QLatin1String("."))
        return QString();
    return relative + QLatin1Char('/');
}

} // namespace

QString GitRepository::Change::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Added:
        return QStringLiteral("added");
    case Kind::Modified:
        return QStringLiteral("modified");
    case Kind::Deleted:
        return QStringLiteral("deleted");
    case Kind::Renamed:
        return QStringLiteral("renamed");
    case Kind::TypeChanged:
        return QStringLiteral("type changed");
    case Kind::Untracked:
        return QStringLiteral("new");
    }
    return QString();
}

QList<GitRepository::Change> GitRepository::changes() const
{
    QList<Change> found;
    Handle<git_status_list, git_status_list_free> list;
    if (!statusList(m_repo, true, list.out()))
        return found;
    OwnOutput own(workdir());
    const size_t count = git_status_list_entrycount(list.ptr);
    for (size_t i = 0; i < count; ++i) {
        const git_status_entry* entry = git_status_byindex(list.ptr, i);
        if (entry->status == GIT_STATUS_CURRENT || (entry->status & GIT_STATUS_IGNORED))
            continue;
        const git_diff_delta* delta = entry->index_to_workdir ? entry->index_to_workdir : entry->head_to_index;
        if (!delta || !delta->new_file.path)
            continue;
        Change change;
        change.path = QString::fromUtf8(delta->new_file.path);
        change.kind = kindOf(entry->status);
        if (change.untracked() && own.contains(change.path))
            continue;
        found << change;
        // A rename's old name is a change too: committing the new one alone would keep both.
        if (delta->old_file.path && qstrcmp(delta->old_file.path, delta->new_file.path) != 0)
            found << Change { QString::fromUtf8(delta->old_file.path), Change::Kind::Deleted };
    }
    std::sort(found.begin(), found.end(), [](const Change& a, const Change& b) { return a.path < b.path; });
    return found;
}

bool GitRepository::isDirty(const QString& experimentDir) const
{
    // Tracked changes anywhere: one walk that skips untracked files (cheap on a big tree).
    Handle<git_status_list, git_status_list_free> tracked;
    if (!statusList(m_repo, false, tracked.out()))
        return true; // cannot tell: safer to call it dirty
    if (git_status_list_entrycount(tracked.ptr) > 0)
        return true;
    if (experimentDir.isEmpty())
        return false;
    // Then untracked files, below the experiment only.
    const QString prefix = prefixIn(workdir(), experimentDir);
    Handle<git_status_list, git_status_list_free> untracked;
    if (!statusList(m_repo, true, untracked.out(), prefix))
        return true;
    OwnOutput own(workdir());
    const size_t count = git_status_list_entrycount(untracked.ptr);
    for (size_t i = 0; i < count; ++i) {
        const git_status_entry* entry = git_status_byindex(untracked.ptr, i);
        const git_diff_delta* delta = entry->index_to_workdir;
        if (!(entry->status & GIT_STATUS_WT_NEW) || !delta || !delta->new_file.path)
            continue;
        const QString path = QString::fromUtf8(delta->new_file.path);
        if (path.startsWith(prefix) && !own.contains(path))
            return true;
    }
    return false;
}

QStringList GitRepository::changedPaths() const
{
    QStringList paths;
    for (const Change& change : changes())
        paths << change.path;
    return paths;
}

GitRepository::Identity GitRepository::identity() const
{
    Identity who;
    Handle<git_config, git_config_free> config;
    if (git_repository_config_snapshot(config.out(), m_repo) != 0)
        return who;
    const char* value = nullptr;
    if (git_config_get_string(&value, config.ptr, "user.name") == 0 && value)
        who.name = QString::fromUtf8(value);
    if (git_config_get_string(&value, config.ptr, "user.email") == 0 && value)
        who.email = QString::fromUtf8(value);
    return who;
}

Result GitRepository::saveGlobalIdentity(const Identity& identity)
{
    ensureLibgit2();
    if (!identity.isValid())
        return Result::badInput(QStringLiteral("a Git author needs both a name and an email"));
    // The file Git reads: ~/.gitconfig when there is one, else the XDG one when that exists, else a new ~/.gitconfig.
    git_buf found = GIT_BUF_INIT;
    QString path;
    if (git_config_find_global(&found) == 0 || git_config_find_xdg(&found) == 0)
        path = QString::fromUtf8(found.ptr);
    git_buf_dispose(&found);
    if (path.isEmpty())
        path = QDir::homePath() + QStringLiteral("/.gitconfig");
    Handle<git_config, git_config_free> config;
    if (git_config_open_ondisk(config.out(), path.toUtf8().constData()) != 0
        || git_config_set_string(config.ptr, "user.name", identity.name.trimmed().toUtf8().constData()) != 0
        || git_config_set_string(config.ptr, "user.email", identity.email.trimmed().toUtf8().constData()) != 0)
        return Result::failed(QStringLiteral("cannot write the Git author to %1: %2").arg(path, lastError()));
    qCDebug(lcGit) << "saved the Git author in" << path;
    return Result::ok();
}

ResultOf<QString> GitRepository::commitPaths(const QStringList& paths, const QString& message)
{
    auto fail = [](const QString& what) { return Result::failed(QStringLiteral("%1: %2").arg(what, lastError())); };
    if (paths.isEmpty())
        return Result::badInput(QStringLiteral("no files chosen to commit"));
    if (message.trimmed().isEmpty())
        return Result::badInput(QStringLiteral("a commit needs a message"));
    const Identity who = identity();
    if (!who.isValid())
        return Result::badInput(
            QStringLiteral("Git does not know who you are: %1 is not set (git config --global user.name \"Your Name\"; "
                           "git config --global user.email you@example.org)")
                .arg(who.name.trimmed().isEmpty() ? QStringLiteral("user.name") : QStringLiteral("user.email")));

    // The commit's tree: HEAD's, with the chosen paths as they are on disk (an index of its own, in memory).
    Handle<git_index, git_index_free> index;
    Handle<git_index, git_index_free> staging;
    CommitTree parent; // none before the first commit
    if (git_index_new(index.out()) != 0 || git_repository_index(staging.out(), m_repo) != 0)
        return fail(QStringLiteral("cannot read the index"));
    const QString head = headCommit();
    if (!head.isEmpty()) {
        ResultOf<CommitTree> found = lookUpCommit(m_repo, head);
        if (!found)
            return found.error();
        parent = found.take();
        if (git_index_read_tree(index.ptr, parent.tree.ptr) != 0)
            return fail(QStringLiteral("cannot read commit %1").arg(head.left(12)));
    }
    const QString root = workdir();
    for (const QString& path : paths) {
        const QByteArray name = path.toUtf8();
        const QFileInfo info(root + QLatin1Char('/') + path);
        if (!info.exists() && !info.isSymLink()) {
            git_index_remove_bypath(index.ptr, name.constData());
            if (git_index_remove_bypath(staging.ptr, name.constData()) != 0)
                return fail(QStringLiteral("cannot remove %1").arg(path));
            continue;
        }
        git_oid blob;
        if (git_blob_create_from_workdir(&blob, m_repo, name.constData()) != 0)
            return fail(QStringLiteral("cannot read %1").arg(path));
        git_index_entry entry {};
        entry.path = name.constData();
        entry.id = blob;
        entry.mode = info.isSymLink() ? GIT_FILEMODE_LINK
            : info.isExecutable()     ? GIT_FILEMODE_BLOB_EXECUTABLE
                                      : GIT_FILEMODE_BLOB;
        if (git_index_add(index.ptr, &entry) != 0)
            return fail(QStringLiteral("cannot add %1").arg(path));
        // The repository's own index follows, so `git status` shows the file committed.
        if (git_index_add_bypath(staging.ptr, name.constData()) != 0)
            return fail(QStringLiteral("cannot stage %1").arg(path));
    }
    git_oid treeId;
    Handle<git_tree, git_tree_free> tree;
    if (git_index_write_tree_to(&treeId, index.ptr, m_repo) != 0 || git_tree_lookup(tree.out(), m_repo, &treeId) != 0)
        return fail(QStringLiteral("cannot write the tree"));
    Handle<git_signature, git_signature_free> author;
    if (git_signature_now(author.out(), who.name.trimmed().toUtf8().constData(),
                          who.email.trimmed().toUtf8().constData())
        != 0)
        return fail(QStringLiteral("the author"));
    git_oid made;
    const git_commit* parents[] = { parent.commit.ptr };
    if (git_commit_create(&made, m_repo, "HEAD", author.ptr, author.ptr, nullptr, message.toUtf8().constData(),
                          tree.ptr, parent.commit.ptr ? 1 : 0, parents)
        != 0)
        return fail(QStringLiteral("cannot commit"));
    if (git_index_write(staging.ptr) != 0)
        return fail(QStringLiteral("committed, but cannot write the index"));
    qCDebug(lcGit) << "committed" << paths.size() << "paths as" << git_oid_tostr_s(&made);
    return QString::fromLatin1(git_oid_tostr_s(&made));
}

QString GitRepository::headBranch() const
{
    Handle<git_reference, git_reference_free> head;
    if (git_repository_head(head.out(), m_repo) != 0 || !git_reference_is_branch(head.ptr))
        return QString();
    return QString::fromUtf8(git_reference_shorthand(head.ptr));
}

QString GitRepository::remoteUrl(const QString& name) const
{
    Handle<git_remote, git_remote_free> remote;
    if (git_remote_lookup(remote.out(), m_repo, name.toUtf8().constData()) != 0)
        return QString();
    const char* url = git_remote_url(remote.ptr);
    return url ? QString::fromUtf8(url) : QString();
}

Result GitRepository::exportTree(const QString& commit, const QString& subPath, const QString& destination) const
{
    auto fail = [&](const QString& message) {
        qCDebug(lcGit) << "export of" << commit.left(12) << "failed:" << message;
        return Result::failed(message);
    };
    const ResultOf<CommitTree> found = lookUpCommit(m_repo, commit);
    if (!found)
        return fail(found.message());
    const Handle<git_tree, git_tree_free>& tree = found->tree;

    Handle<git_tree, git_tree_free> subtree;
    git_tree* root = tree.ptr;
    const QString cleanSub = QDir::cleanPath(subPath);
    if (!subPath.isEmpty() && cleanSub != QLatin1String(".")) {
        Handle<git_tree_entry, git_tree_entry_free> entry;
        if (git_tree_entry_bypath(entry.out(), tree.ptr, cleanSub.toUtf8().constData()) != 0)
            return fail(QStringLiteral("%1 is not in commit %2").arg(cleanSub, commit.left(12)));
        if (git_tree_lookup(subtree.out(), m_repo, git_tree_entry_id(entry.ptr)) != 0)
            return fail(QStringLiteral("%1 is not a folder in commit %2").arg(cleanSub, commit.left(12)));
        root = subtree.ptr;
    }

    if (!QDir().mkpath(destination))
        return fail(QStringLiteral("cannot create %1").arg(destination));
    ExportContext ctx { m_repo, destination, QString(), {}, {} };
    if (git_tree_walk(root, GIT_TREEWALK_PRE, exportEntry, &ctx) != 0)
        return fail(ctx.error.isEmpty() ? lastError() : ctx.error);
    qCDebug(lcGit) << "exported" << commit.left(12) << subPath << "to" << destination;
    return Result::ok();
}

Result GitRepository::exportRepository(const QString& commit, const QString& destination) const
{
    auto fail = [&](const QString& message) { return Result::failed(message); };
    if (Result exported = exportTree(commit, QString(), destination); !exported)
        return exported;
    const ResultOf<CommitTree> found = lookUpCommit(m_repo, commit);
    if (!found)
        return fail(found.message());
    const Handle<git_commit, git_commit_free>& commitObj = found->commit;
    const Handle<git_tree, git_tree_free>& tree = found->tree;

    Handle<git_repository, git_repository_free> out;
    if (git_repository_init(out.out(), destination.toUtf8().constData(), 0) != 0)
        return fail(QStringLiteral("cannot make a repository in %1: %2").arg(destination, lastError()));
    Handle<git_odb, git_odb_free> from;
    Handle<git_odb, git_odb_free> to;
    if (git_repository_odb(from.out(), m_repo) != 0 || git_repository_odb(to.out(), out.ptr) != 0)
        return fail(lastError());
    const git_oid* id = git_commit_id(commitObj.ptr);
    CopyContext ctx { from.ptr, to.ptr };
    if (copyObject(from.ptr, to.ptr, id) != 0 || copyObject(from.ptr, to.ptr, git_tree_id(tree.ptr)) != 0
        || git_tree_walk(tree.ptr, GIT_TREEWALK_PRE, copyEntry, &ctx) != 0)
        return fail(QStringLiteral("cannot copy commit %1: %2").arg(commit.left(12), lastError()));

    // The parents are not copied: git reads the commit as the edge of a shallow clone.
    char hex[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(hex, sizeof hex, id);
    QFile shallow(destination + QStringLiteral("/.git/shallow"));
    if (!shallow.open(QIODevice::WriteOnly) || shallow.write(QByteArray(hex) + '\n') < 0)
        return fail(QStringLiteral("cannot write %1").arg(shallow.fileName()));
    shallow.close();
    if (git_repository_set_head_detached(out.ptr, id) != 0)
        return fail(lastError());
    // An index matching HEAD, so `git status` in the container shows the files as committed.
    Handle<git_tree, git_tree_free> outTree;
    Handle<git_index, git_index_free> index;
    if (git_tree_lookup(outTree.out(), out.ptr, git_tree_id(tree.ptr)) != 0
        || git_repository_index(index.out(), out.ptr) != 0 || git_index_read_tree(index.ptr, outTree.ptr) != 0
        || git_index_write(index.ptr) != 0)
        return fail(lastError());
    return Result::ok();
}

Result GitRepository::initWithCommit(const QString& dir, const QString& message)
{
    auto fail = [&](const QString& what) {
        return Result::failed(QStringLiteral("cannot make a Git repository in %1: %2: %3").arg(dir, what, lastError()));
    };
    ensureLibgit2();
    Handle<git_repository, git_repository_free> repo;
    if (git_repository_init(repo.out(), dir.toUtf8().constData(), 0) != 0)
        return fail(QStringLiteral("init"));
    Handle<git_index, git_index_free> index;
    if (git_repository_index(index.out(), repo.ptr) != 0
        || git_index_add_all(index.ptr, nullptr, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) != 0
        || git_index_write(index.ptr) != 0)
        return fail(QStringLiteral("adding the files"));
    git_oid treeId;
    git_oid commitId;
    Handle<git_tree, git_tree_free> tree;
    if (git_index_write_tree(&treeId, index.ptr) != 0 || git_tree_lookup(tree.out(), repo.ptr, &treeId) != 0)
        return fail(QStringLiteral("writing the tree"));
    Handle<git_signature, git_signature_free> who;
    // A machine without user.name/user.email still gets its first commit.
    if (git_signature_default(who.out(), repo.ptr) != 0
        && git_signature_now(who.out(), "Logistician", "logistician@localhost") != 0)
        return fail(QStringLiteral("the author"));
    if (git_commit_create_v(&commitId, repo.ptr, "HEAD", who.ptr, who.ptr, nullptr, message.toUtf8().constData(),
                            tree.ptr, 0)
        != 0)
        return fail(QStringLiteral("committing"));
    return Result::ok();
}

QByteArray GitRepository::projectGitignore()
{
    return QByteArrayLiteral("# Logistician: what runs write, and the app's local state, stay out of commits.\n"
                             "experiments/*/data/\n"
                             ".logistician/\n");
}

ResultOf<QString> GitRepository::initProject(const QString& dir)
{
    ensureLibgit2();
    const QString absolute = QDir(dir).absolutePath();
    // A first commit of every file in the home folder (or the whole disk) is never what was meant.
    const QString canonical = QDir(absolute).canonicalPath();
    if (canonical == QDir(QDir::homePath()).canonicalPath() || canonical == QDir::rootPath())
        return Result::badInput(
            QStringLiteral("%1 is not made a Git repository: choose (or make) a folder for the project in it")
                .arg(absolute));
    if (QFileInfo::exists(absolute + QStringLiteral("/.git")))
        return Result::badInput(QStringLiteral("%1 is a Git repository already").arg(absolute));
    if (!QDir().mkpath(absolute))
        return Result::failed(QStringLiteral("cannot create %1").arg(absolute));
    const QString ignore = absolute + QStringLiteral("/.gitignore");
    if (!QFileInfo::exists(ignore)) {
        QFile file(ignore);
        const QByteArray content = projectGitignore();
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            return Result::failed(QStringLiteral("cannot write %1: %2").arg(ignore, file.errorString()));
    }
    if (Result made = initWithCommit(absolute, QStringLiteral("New Logistician project")); !made)
        return made;
    const auto repo = discover(absolute);
    return repo ? (*repo)->headCommit() : QString();
}
