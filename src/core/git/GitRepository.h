// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <memory>

struct git_repository;

// The Git facts Logistician needs, read through libgit2: where the working
// tree is, what HEAD is, whether the tree is dirty, the origin URL, and the
// files of a commit (exported without a checkout or network).
class GitRepository
{
public:
    ~GitRepository();
    GitRepository(const GitRepository&) = delete;
    GitRepository& operator=(const GitRepository&) = delete;

    // Opens the repository containing path (searching upwards); nullptr and
    // *error (bad input) set when path is not inside a Git working tree.
    static ResultOf<std::unique_ptr<GitRepository>> discover(const QString& path);

    QString workdir() const; // absolute, no trailing slash
    QString gitDir() const; // the repository's own folder (.git, or a linked worktree's), no trailing slash
    QString commonDir() const; // where branches and objects live; gitDir() outside a linked worktree
    QString headCommit() const; // full id; empty when there is no commit yet

    // One file that differs from HEAD: changed in the index or the working tree,
    // or not tracked yet. Files a .gitignore leaves out are never listed.
    struct Change
    {
        enum class Kind
        {
            Added, // staged, new in the index
            Modified,
            Deleted,
            Renamed,
            TypeChanged,
            Untracked
        };
        QString path; // relative to the working tree root, '/'-separated
        Kind kind = Kind::Modified;
        bool untracked() const { return kind == Kind::Untracked; }
        static QString kindName(Kind kind); // "modified", "new", "deleted", ...
    };
    // Every change, untracked files one by one (inside new folders too); sorted by path.
    QList<Change> changes() const;

    // Whether a run of experimentDir would use files that commit HEAD does not
    // hold: a tracked file changed anywhere in the working tree, or a file below
    // experimentDir not tracked yet (a never-committed experiment is dirty).
    // Ignored files (.gitignore's data/, .logistician/) do not count. Without
    // experimentDir untracked files do not count.
    bool isDirty(const QString& experimentDir = QString()) const;
    // The paths changes() lists (untracked ones included), relative to the
    // working tree root, so a caller can tell which folders are dirty from one walk.
    QStringList changedPaths() const;

    // The author Git would write: user.name and user.email from the Git config
    // (repository, global, XDG, system). Empty when either is not set.
    struct Identity
    {
        QString name;
        QString email;
        bool isValid() const { return !name.trimmed().isEmpty() && !email.trimmed().isEmpty(); }
    };
    Identity identity() const;
    // Writes user.name and user.email to the user's global Git config (~/.gitconfig,
    // or the XDG one when that is the file in use), for this and every repository.
    static Result saveGlobalIdentity(const Identity& identity);

    // Commits the listed paths (relative to the working tree root) as they are in
    // the working tree, like `git commit -- paths`: a file gone from disk is
    // removed, other staged changes are left staged and out of the commit. The
    // author is identity() (bad input naming the missing setting when there is
    // none). Returns the new commit's id.
    ResultOf<QString> commitPaths(const QStringList& paths, const QString& message);
    // The short name of the branch HEAD points to; empty when detached or unborn.
    QString headBranch() const;
    QString remoteUrl(const QString& name = QStringLiteral("origin")) const;

    // Writes the files of `commit` below `subPath` (relative to the working tree
    // root; empty for all) into destination, with executable bits and symlinks.
    Result exportTree(const QString& commit, const QString& subPath, const QString& destination) const;

    // exportTree of the whole commit, made a Git repository whose HEAD is that
    // commit (detached): the commit and its tree's objects, with the commit
    // listed in .git/shallow since its parents are left out. The original
    // Logistician's Dockerfiles run `git log -1` in /project.
    Result exportRepository(const QString& commit, const QString& destination) const;

    // Makes dir (which holds files already) a new repository with one commit of
    // every file .gitignore lets in; the author is the user's Git identity, else Logistician.
    static Result initWithCommit(const QString& dir, const QString& message);

    // What a new project's .gitignore holds: experiments' run data and the app's local state.
    static QByteArray projectGitignore();
    // File > New Project and "initialise" of a folder that is no repository: writes
    // .gitignore (unless there is one) and makes dir a repository whose first
    // commit holds every file .gitignore lets in. dir is made when missing; a
    // folder that is a repository already, the home folder and / are bad input. Returns the first
    // commit's id.
    static ResultOf<QString> initProject(const QString& dir);

    // libgit2's last error as text.
    static QString lastError();
    // Makes path an empty repository of its own (a recovered experiment folder, see DeploymentIndex::restore).
    static Result init(const QString& path);

private:
    explicit GitRepository(git_repository* repo);
    git_repository* m_repo;
};
