// SPDX-License-Identifier: MIT
#include "GitRepository.h"

#include "Logging.h"

#include <QDir>
#include <QFile>
#include <git2.h>

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
};

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

    if (mode == GIT_FILEMODE_TREE) {
        if (!QDir().mkpath(target)) {
            ctx->error = QStringLiteral("cannot create %1").arg(target);
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
        return 0;
    }
    QFile file(target);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size()) {
        ctx->error = QStringLiteral("cannot write %1: %2").arg(target, file.errorString());
        return -1;
    }
    QFile::Permissions perms = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther;
    if (mode == GIT_FILEMODE_BLOB_EXECUTABLE)
        perms |= QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther;
    file.setPermissions(perms);
    return 0;
}

// The commit that spec names, and its tree; *error says why not.
bool lookUpCommit(git_repository* repo, const QString& spec, Handle<git_commit, git_commit_free>& commit,
                  Handle<git_tree, git_tree_free>& tree, QString* error)
{
    Handle<git_object, git_object_free> object;
    if (git_revparse_single(object.out(), repo, spec.toUtf8().constData()) != 0)
        *error = QStringLiteral("no commit %1: %2").arg(spec, GitRepository::lastError());
    else if (git_commit_lookup(commit.out(), repo, git_object_id(object.ptr)) != 0)
        *error = QStringLiteral("%1 is not a commit").arg(spec);
    else if (git_commit_tree(tree.out(), commit.ptr) != 0)
        *error = GitRepository::lastError();
    else
        return true;
    return false;
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

std::unique_ptr<GitRepository> GitRepository::discover(const QString& path, Result* error)
{
    ensureLibgit2();
    git_repository* repo = nullptr;
    const QByteArray native = QDir(path).absolutePath().toUtf8();
    if (git_repository_open_ext(&repo, native.constData(), 0, nullptr) != 0) {
        if (error)
            *error
                = Result::badInput(QStringLiteral("%1 is not inside a Git repository").arg(QDir(path).absolutePath()));
        qCDebug(lcGit) << "no repository above" << path << ":" << lastError();
        return nullptr;
    }
    if (git_repository_is_bare(repo)) {
        git_repository_free(repo);
        if (error)
            *error = Result::badInput(
                QStringLiteral("%1 is a bare Git repository; an experiment needs a working tree").arg(path));
        return nullptr;
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

QString GitRepository::headCommit() const
{
    git_oid oid;
    if (git_reference_name_to_id(&oid, m_repo, "HEAD") != 0)
        return QString();
    return QString::fromLatin1(git_oid_tostr_s(&oid));
}

bool GitRepository::isDirty() const
{
    git_status_options opts = GIT_STATUS_OPTIONS_INIT;
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    Handle<git_status_list, git_status_list_free> list;
    if (git_status_list_new(list.out(), m_repo, &opts) != 0)
        return true; // cannot tell: safer to call it dirty
    return git_status_list_entrycount(list.ptr) > 0;
}

QStringList GitRepository::changedPaths() const
{
    git_status_options opts = GIT_STATUS_OPTIONS_INIT;
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    Handle<git_status_list, git_status_list_free> list;
    QStringList paths;
    if (git_status_list_new(list.out(), m_repo, &opts) != 0)
        return paths;
    const size_t count = git_status_list_entrycount(list.ptr);
    for (size_t i = 0; i < count; ++i) {
        const git_status_entry* entry = git_status_byindex(list.ptr, i);
        const git_diff_delta* delta = entry->index_to_workdir ? entry->index_to_workdir : entry->head_to_index;
        if (delta && delta->new_file.path)
            paths << QString::fromUtf8(delta->new_file.path);
        if (delta && delta->old_file.path && qstrcmp(delta->old_file.path, delta->new_file.path) != 0)
            paths << QString::fromUtf8(delta->old_file.path);
    }
    return paths;
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
    Handle<git_commit, git_commit_free> commitObj;
    Handle<git_tree, git_tree_free> tree;
    if (QString why; !lookUpCommit(m_repo, commit, commitObj, tree, &why))
        return fail(why);

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
    ExportContext ctx { m_repo, destination, QString() };
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
    Handle<git_commit, git_commit_free> commitObj;
    Handle<git_tree, git_tree_free> tree;
    if (QString why; !lookUpCommit(m_repo, commit, commitObj, tree, &why))
        return fail(why);

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
