// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

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
    static std::unique_ptr<GitRepository> discover(const QString& path, Result* error = nullptr);

    QString workdir() const; // absolute, no trailing slash
    QString headCommit() const; // full id; empty when there is no commit yet
    // Tracked files changed in the index or the working tree (untracked files
    // are not part of any commit, so they do not make a run irreproducible).
    bool isDirty() const;
    // The tracked files isDirty() counts, relative to the working tree root,
    // so a caller can tell which folders are dirty from one status walk.
    QStringList changedPaths() const;
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

    // libgit2's last error as text.
    static QString lastError();
    // Makes path an empty repository of its own (a recovered experiment folder, see DeploymentIndex::restore).
    static Result init(const QString& path);

private:
    explicit GitRepository(git_repository* repo);
    git_repository* m_repo;
};
