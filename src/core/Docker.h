// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"
#include "Result.h"

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
    bool dataReadOnly = false; // run --data_readonly: /data is the user's folder, read-only
    QString entrypoint; // --entrypoint; empty: the image's own
    QStringList command; // experiment command words
    QStringList arguments; // condition arguments, passed through verbatim
    bool detach = false;
    bool interactive = false; // -i, for shell
    bool tty = false; // -t, when stdin is a terminal
    bool remove = true;
    QStringList labels;
    QStringList volumes; // further -v values ("HOST:CONTAINER[:ro]")
    QStringList environment; // -e values ("NAME=VALUE"); never secrets, they would show in `docker inspect`
    QStringList environmentFiles; // --env-file paths, read by docker itself: no shell sees their values
    QString gpus; // --gpus value ("all" or a count); empty: none, unless the program is nvidia-docker
};

// quiet: only the image id on stdout (a host's build, whose progress nobody watches).
// labels: "key=value" words for --label (a deploy's image carries logistician.image-of=EXPERIMENT, so
// terminate finds one whose build outlived the deploy that started it; not logistician.experiment, which
// the legacy builder's intermediate containers would carry and look like the experiment's own).
Command build(const QString& docker, const QString& contextDir, const QString& tag, bool quiet = false,
              const QStringList& labels = {});
// The images labelled logistician.image-of=experiment: "REPOSITORY:TAG ID", one a line.
Command labelledImages(const QString& docker, const QString& experiment);
Command run(const RunSpec& spec);
// configDir: a throwaway client configuration folder (`docker --config DIR`)
// holding the login of this one operation; empty for docker's own.
Command push(const QString& docker, const QString& image, const QString& configDir = QString());
Command pull(const QString& docker, const QString& image, const QString& configDir = QString());
Command tag(const QString& docker, const QString& source, const QString& target);
// Stops a container by name: its stop signal, then SIGKILL after graceSeconds.
Command stop(const QString& docker, const QString& name, int graceSeconds);
// The container's log; tail: the last lines only (-1: all); follow: keeps printing as it grows.
Command logs(const QString& docker, const QString& container, int tail = -1, bool follow = false);
// Removes containers by name, running or not.
Command removeContainers(const QString& docker, const QStringList& containers);
// Removes image references (tags); an image a container still uses stays.
Command removeImages(const QString& docker, const QStringList& images);
// Every container, running or not, with the label logistician.experiment (=experiment when given): name,
// experiment, commit, image, state and status ("Exited (0) 2 minutes ago"), tab-separated, one a line
// (LabelledContainers parses them).
Command listLabelled(const QString& docker, const QString& experiment = QString());
// The image's ENTRYPOINT and CMD as one JSON array of two arrays (either may be null).
Command imageCommand(const QString& docker, const QString& image);
// The words of a command, program first: for a script run on a host.
QStringList argv(const Command& command);
// The password goes through standard input, never argv. docker writes the
// credential into configDir/config.json: give a folder made for this one
// operation and remove it afterwards, so no password stays behind in
// ~/.docker (on this machine or a host).
Command login(const QString& docker, const QString& registry, const QString& user, const QString& password,
              const QString& configDir);

// Splits a docker program setting ("docker", "nvidia-docker", "sudo docker")
// into the program and leading arguments. nvidia-docker becomes docker: modern
// hosts have only docker and the NVIDIA container toolkit, and run() asks for
// the GPUs with --gpus instead.
QStringList programWords(const QString& dockerSetting);
// The --gpus value a run gets: the gpus key when set, "all" for an nvidia-docker setting, else none.
QString gpusFor(const QString& dockerSetting, const QString& gpus);

// Whether a Docker engine answers on the socket DOCKER_HOST names (or the
// default socket). Fast: a local connect, no process started. tcp:// hosts are
// assumed to answer; docker itself reports on those. Unavailable when none answers.
Result engineAnswers();

} // namespace Docker
