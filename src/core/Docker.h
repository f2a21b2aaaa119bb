#pragma once

#include "Command.h"

#include <QString>
#include <QStringList>

// Builders for the docker commands Logistician runs. They only build data;
// CommandRunner runs it.
namespace Docker {

struct RunSpec
{
    QString docker = QStringLiteral("docker"); // the program, e.g. from local_docker_command
    QString image;
    QString name; // container name; empty for none
    QString projectDir; // mounted at /project
    QString dataDir; // mounted at /data
    QStringList command; // experiment command words
    QStringList arguments; // condition arguments, passed through verbatim
    bool detach = false;
    bool interactive = false; // -i, for shell
    bool tty = false; // -t, when stdin is a terminal
    bool remove = true;
    QStringList labels;
    QStringList volumes; // further -v values ("HOST:CONTAINER[:ro]")
    QStringList environment; // -e values ("NAME=VALUE"); never secrets, they would show in `docker inspect`
};

Command build(const QString& docker, const QString& contextDir, const QString& tag);
Command run(const RunSpec& spec);
Command push(const QString& docker, const QString& image);
Command tag(const QString& docker, const QString& source, const QString& target);
// The password goes through standard input, never argv.
Command login(const QString& docker, const QString& registry, const QString& user, const QString& password);

// Splits a docker program setting ("docker", "nvidia-docker", "sudo docker")
// into the program and leading arguments.
QStringList programWords(const QString& dockerSetting);

// Whether a Docker engine answers on the socket DOCKER_HOST names (or the
// default socket). Fast: a local connect, no process started. tcp:// hosts are
// assumed to answer; docker itself reports on those.
bool engineAnswers(QString* error);

} // namespace Docker
