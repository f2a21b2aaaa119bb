// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QJsonObject>
#include <QString>

// Writing to the terminal: command echoes in colour on a terminal, plain when
// piped or with NO_COLOR; errors as one line on stderr.
namespace Console {

// The "schema" of every --json document; docs/json.md describes version 1.
constexpr int JsonSchemaVersion = 1;

// stdout, no newline added; control characters of outside text shown escaped (PrintableText::escaped)
void out(const QString& text);
void clearScreen(); // status --watch on a terminal
void outLine(const QString& text);
void err(const QString& text);
void error(const QString& message); // "logistician: error: ..."
// The verbs' one way out: prints a failed result as error() does and returns
// its exit code (Result::exitCode, the only kind-to-code mapping); 0 for ok.
int exitWith(const Result& result);
void echoCommand(const QString& displayLine); // "$ docker run ..."
bool colour(); // stderr is a terminal and NO_COLOR is unset
bool stdinIsTerminal();

// --json: stdout carries exactly one JSON document (docs/json.md); everything
// else (command output, tables, messages) goes to stderr. verb names the
// document of a failure that happens before the verb printed its own. From
// here on file descriptor 1 is stderr's, so a program started with the
// terminal (shell's session) writes there too; the document goes to the real stdout.
void setJsonMode(const QString& verb);
bool jsonMode();
QString jsonVerb();
// Prints the verb's one document, "schema" added; later calls print nothing.
void printJson(QJsonObject document);
// A command's standard output as it is: stdout, or stderr in JSON mode.
void passOutput(const QByteArray& bytes);
// Reads one line from stdin after a prompt; secret hides the echo.
QString prompt(const QString& question, const QString& defaultValue = QString(), bool secret = false);

} // namespace Console
