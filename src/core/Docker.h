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
// configDir: a throwaway client configuration folder (`docker --config DIR`)
// holding the login of this one operation; empty for docker's own.
Command push(const QString& docker, const QString& image, const QString& configDir = QString());
Command pull(const QString& docker, const QString& image, const QString& configDir = QString());
Command tag(const QString& docker, const QString& source, const QString& target);
// The password goes through standard input, never argv. docker writes the
// credential into configDir/config.json: give a folder made for this one
// operation and remove it afterwards, so no password stays behind in
// ~/.docker (on this machine or a host).
Command login(const QString& docker, const QString& registry, const QString& user, const QString& password,
              const QString& configDir);

// Splits a docker program setting ("docker", "nvidia-docker", "sudo docker")
// into the program and leading arguments.
QStringList programWords(const QString& dockerSetting);

// Whether a Docker engine answers on the socket DOCKER_HOST names (or the
// default socket). Fast: a local connect, no process started. tcp:// hosts are
// assumed to answer; docker itself reports on those.
bool engineAnswers(QString* error);

} // namespace Docker
