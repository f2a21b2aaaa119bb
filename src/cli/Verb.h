// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

struct Command;
class Deployment;
class Experiment;

// One CLI verb: parses its own options and calls core. Its exit code comes
// from a Result through Console::exitWith: 0 success, 1 the work failed, 2 bad
// input or usage (run passes the container's own code on).
class Verb
{
public:
    virtual ~Verb() = default;
    virtual QString name() const = 0;
    virtual QString summary() const = 0;
    // arguments[0] is the verb itself.
    virtual int execute(const QStringList& arguments) = 0;

protected:
    // Adds the standard help option, parses, and handles --help and errors.
    // Returns -1 to go on, or the exit code to return.
    int parse(QCommandLineParser& parser, const QStringList& arguments, const QString& positionalHelp = QString());
    // A positional argument, as QCommandLineParser::addPositionalArgument, kept for the help text.
    void addPositional(QCommandLineParser& parser, const QString& name, const QString& description,
                       const QString& syntax = QString());
    // parse() for the verbs that take [EXPERIMENT_DIR].
    int parseWithExperimentDir(QCommandLineParser& parser, const QStringList& arguments);
    // The experiment folder argument (default: the current folder), opened.
    ResultOf<Experiment> openExperiment(const QCommandLineParser& parser);
    // The --json option: one document on stdout (docs/json.md), the rest on stderr.
    static QCommandLineOption jsonOption();
    // The --condition option of sync and terminate: 1-based numbers as status shows them.
    static QCommandLineOption conditionOption(const QString& what);
    // Its values (repeated, or comma-separated) as numbers; bad input when one is not.
    ResultOf<QList<int>> conditionNumbers(const QCommandLineParser& parser, const QCommandLineOption& option) const;
    // Opens the experiment folder argument and reads its saved deployment (if any).
    ResultOf<std::unique_ptr<Deployment>> openDeployment(const QCommandLineParser& parser);
    // Runs a command to the end, output streamed to this process's stdout and
    // stderr (Escaped: control characters shown, for outside text such as a
    // container's log); failed ("WHAT failed: ...") unless it exits with 0.
    enum class Output
    {
        AsIs,
        Escaped,
    };
    static Result runToEnd(const Command& command, const QString& what, Output output = Output::AsIs);
    // After deploy, sync or terminate: with --json, the deployment's state as the verb's
    // document (or the error document when there is no state); returns code.
    int reportDeployment(const Deployment& deployment, int code, const QString& message) const;
    // A deployment's state for --json: experiment, backend, commit, summary, conditions.
    static QJsonObject deploymentJson(const Deployment& deployment);

private:
    // --help: QCommandLineParser's text with every name whole (it cuts an argument's name at the options'
    // column: EXPERIMENT_ / DIR) and the description wrapped between words.
    QString helpText(const QCommandLineParser& parser) const;
    // "Usage: logistician VERB [options] ..."
    QString usageLine(const QCommandLineParser& parser) const;
    // A parse error in the tool's words: what was wrong, the usage line, where the options are; exit code 2.
    int usageError(const QCommandLineParser& parser) const;

    struct Positional
    {
        QString name;
        QString description;
    };
    QList<Positional> m_positionals;
};

// All verbs, in the order --help lists them.
std::vector<std::unique_ptr<Verb>> allVerbs();
