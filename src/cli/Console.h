#pragma once

#include "Result.h"

#include <QString>

// Writing to the terminal: command echoes in colour on a terminal, plain when
// piped or with NO_COLOR; errors as one line on stderr.
namespace Console {

void out(const QString& text); // stdout, no newline added
void outLine(const QString& text);
void err(const QString& text);
void error(const QString& message); // "logistician: error: ..."
// The verbs' one way out: prints a failed result as error() does and returns
// its exit code (Result::exitCode, the only kind-to-code mapping); 0 for ok.
int exitWith(const Result& result);
void echoCommand(const QString& displayLine); // "$ docker run ..."
bool colour(); // stderr is a terminal and NO_COLOR is unset
bool stdinIsTerminal();
// Reads one line from stdin after a prompt; secret hides the echo.
QString prompt(const QString& question, const QString& defaultValue = QString(), bool secret = false);

} // namespace Console
