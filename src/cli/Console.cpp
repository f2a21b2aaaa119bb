// SPDX-License-Identifier: MIT
#include "Console.h"

#include "PrintableText.h"

#include <QJsonDocument>
#include <QProcessEnvironment>
#include <cstdio>
#include <iostream>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace Console {

namespace {
QString g_jsonVerb; // empty: not in JSON mode
bool g_printed = false;
FILE* g_document = nullptr; // the real stdout in JSON mode
} // namespace

void setJsonMode(const QString& verb)
{
    g_jsonVerb = verb;
    if (g_document)
        return;
    fflush(stdout);
    if (const int real = ::dup(fileno(stdout)); real >= 0) {
        g_document = fdopen(real, "w");
        if (g_document)
            ::dup2(fileno(stderr), fileno(stdout));
        else
            ::close(real);
    }
}

bool jsonMode()
{
    return !g_jsonVerb.isEmpty();
}

QString jsonVerb()
{
    return g_jsonVerb;
}

void printJson(QJsonObject document)
{
    if (g_printed)
        return;
    g_printed = true;
    document.insert(QStringLiteral("schema"), JsonSchemaVersion);
    const QByteArray text = QJsonDocument(document).toJson(QJsonDocument::Compact) + '\n';
    FILE* to = g_document ? g_document : stdout;
    fwrite(text.constData(), 1, static_cast<size_t>(text.size()), to);
    fflush(to);
}

void passOutput(const QByteArray& bytes)
{
    FILE* to = jsonMode() ? stderr : stdout;
    fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), to);
    fflush(to);
}

// What the verbs print holds outside text (conditions, hosts' messages, metric names,
// log lines): its control characters are shown escaped, never sent to the terminal.
void out(const QString& text)
{
    passOutput(PrintableText::escaped(text).toUtf8());
}

void clearScreen()
{
    passOutput(QByteArrayLiteral("\x1b[H\x1b[2J"));
}

void outLine(const QString& text)
{
    out(text + QLatin1Char('\n'));
}

namespace {

void writeErr(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stderr);
    fflush(stderr);
}

} // namespace

void err(const QString& text)
{
    writeErr(PrintableText::escaped(text));
}

bool colour()
{
    static const bool on = isatty(fileno(stderr)) && !qEnvironmentVariableIsSet("NO_COLOR");
    return on;
}

bool stdinIsTerminal()
{
    return isatty(fileno(stdin));
}

void error(const QString& message)
{
    if (colour())
        writeErr(QStringLiteral("\x1b[1;31mlogistician: error:\x1b[0m %1\n").arg(PrintableText::escaped(message)));
    else
        err(QStringLiteral("logistician: error: %1\n").arg(message));
}

int exitWith(const Result& result)
{
    if (!result.isOk() && !result.message().isEmpty())
        error(result.message());
    // A verb that fails before its own document still answers with one.
    if (!result.isOk() && jsonMode())
        printJson({ { QStringLiteral("verb"), g_jsonVerb },
                    { QStringLiteral("exit_code"), result.exitCode() },
                    { QStringLiteral("error"), result.message() } });
    return result.exitCode();
}

void echoCommand(const QString& displayLine)
{
    if (colour())
        writeErr(QStringLiteral("\x1b[32m$ %1\x1b[0m\n").arg(PrintableText::escaped(displayLine)));
    else
        err(QStringLiteral("$ %1\n").arg(displayLine));
}

QString prompt(const QString& question, const QString& defaultValue, bool secret)
{
    QString text = question;
    if (!defaultValue.isEmpty() && !secret)
        text += QStringLiteral(" [%1]").arg(defaultValue);
    err(text + QStringLiteral(": "));

    termios saved {};
    const bool hide = secret && isatty(fileno(stdin)) && tcgetattr(fileno(stdin), &saved) == 0;
    if (hide) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(fileno(stdin), TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (hide) {
        tcsetattr(fileno(stdin), TCSANOW, &saved);
        err(QStringLiteral("\n"));
    }
    const QString answer = QString::fromStdString(line).trimmed();
    return answer.isEmpty() ? defaultValue : answer;
}

} // namespace Console
