// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <optional>

// The parameters.json of an experiment. The whole JSON object is kept, so keys
// this version does not know survive a load and a save unchanged; the typed
// accessors read and write through it. The text as loaded is kept too: a save
// changes only the values that changed (JsonText::patch), so the file keeps its
// key order, indentation, *_comment keys and the spelling of its numbers.
class Parameters
{
public:
    // parameter_grid: its keys in the order written, each with its values as a command line gets them.
    using Grid = QList<QPair<QString, QStringList>>;

    static constexpr const char* FileName = "parameters.json";
    // A parameters.json larger than this is refused before it is read.
    static constexpr qint64 MaxFileSize = 10 * 1024 * 1024;

    Parameters() = default;
    explicit Parameters(const QJsonObject& json);

    // Parses and validates against ParameterSchema; fileName is used in error messages only. Pure: no
    // file or environment is touched. An error is BadInput located in the file,
    // its message "parameters.json:7:15: experiment_conditions must be a list of strings".
    static ResultOf<Parameters> parse(const QByteArray& text, const QString& fileName);
    // Refuses anything but a regular file (after symlinks) of at most MaxFileSize, then parses.
    static ResultOf<Parameters> load(const QString& path);
    // Atomic: the old file stays intact unless the new one is complete.
    Result save(const QString& path) const;
    // The text loaded with only the changed values rewritten; a Parameters not read from text is written anew.
    QByteArray toJson() const;

    const QJsonObject& json() const { return m_json; }

    QString experimentName() const;
    void setExperimentName(const QString& name);
    QString experimentCommand() const;
    void setExperimentCommand(const QString& command);
    QStringList conditions() const; // experiment_conditions as written
    void setConditions(const QStringList& conditions);
    Grid parameterGrid() const;
    // parameter_grid in this order; an empty grid removes it. A value keeps the JSON type it had (0.0005 stays a
    // number, "0.1" a string); a new one is a number or boolean when it reads back as the same text and its key
    // did not hold only strings, else a string, so every value expands exactly as typed.
    void setParameterGrid(const Grid& grid);
    // experiment_conditions followed by the cartesian product of parameter_grid, its keys in the order written.
    QStringList allConditions() const;

    QString backend() const; // "local" when unset
    QStringList hosts() const;
    int maxParallel() const; // 1 when unset
    int awsMachines() const; // aws: machines for the sweep; 0 (unset): one per condition
    QString registry() const;
    int autoStopMinutes() const; // 0 (never) when unset
    int maxRuntimeMinutes() const; // 0 (no limit) when unset
    // How often a failed condition is started again on its host, each time as a new attempt; 0 when unset.
    int maxRetries() const;
    QString awsAmi() const;
    QString awsAmiUser() const;
    // As written, empty when unset: AwsParameters::resolve falls back to the defaults stored by `setup`.
    QString awsInstanceType() const;
    QString awsRegion() const;
    QString localDockerCommand() const; // the docker program for local runs, "docker" when unset
    QString remoteDockerCommand() const; // the docker program on remote hosts, "docker" when unset
    // The GPUs a container gets (docker run --gpus): "all", a count, or empty for none.
    QString gpus() const;
    // A folder made for the original Logistician: no experiment_command, so the
    // image's own CMD runs with the condition in $OPTIONS.
    bool isOriginalStyle() const;

    // A new key goes after the others; an undefined value removes the key.
    void setValue(const QString& key, const QJsonValue& value);

    // Expands a grid to "--key value" conditions, keys in order (the first varies slowest), values quoted for
    // the shell. A key written with a leading '-' ("-l", "--lr") is used as it is.
    static QStringList expandGrid(const Grid& grid);
    // An experiment name that is valid as a Docker tag and an AWS resource name.
    static bool isValidExperimentName(const QString& name);

private:
    // The value, or the schema's default (ParameterSchema) when it is absent or empty.
    QString string(const char* key) const;
    int integer(const char* key) const;
    QJsonObject m_json;
    QByteArray m_text; // the file as read; empty for parameters made in memory
    QStringList m_keys; // the top-level keys in the order written, new ones last
    QStringList m_gridKeys; // parameter_grid's keys in the order written or set
};
