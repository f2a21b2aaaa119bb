// SPDX-License-Identifier: MIT
// `logistician`: a verb runs the CLI on QCoreApplication (no display needed); no verb,
// or `gui`, execs logistician-gui, the window. This executable links no GUI
// libraries, so the verbs start fast (ARCHITECTURE.md).
#include "Cli.h"
#include "Result.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <vector>

namespace {

// Beside this executable in the build folder; in libexec/logistician/ when installed.
QString guiExecutable()
{
    const QDir here(QCoreApplication::applicationDirPath());
    const QString beside = here.absoluteFilePath(QStringLiteral("logistician-gui"));
    if (QFileInfo(beside).isExecutable())
        return beside;
    return QDir::cleanPath(here.absoluteFilePath(QStringLiteral(LOGISTICIAN_BIN_TO_GUI "/logistician-gui")));
}

// Replaces this process with the window, so its exit code, signals and output are the
// window's. Its arguments are what follows `gui` (the project folder, Qt's options).
int execGui(int argc, char** argv)
{
    const QByteArray gui = QFile::encodeName(guiExecutable());
    std::vector<char*> guiArgv { argv[0] };
    for (int i = 2; i < argc; ++i)
        guiArgv.push_back(argv[i]);
    guiArgv.push_back(nullptr);
    ::execv(gui.constData(), guiArgv.data());
    std::fprintf(stderr,
                 "logistician: error: cannot start the desktop app %s: %s; the verbs work without it "
                 "(see `logistician --help`)\n",
                 gui.constData(), std::strerror(errno));
    return Result::exitCode(Result::Kind::Unavailable);
}

} // namespace

int main(int argc, char** argv)
{
    QStringList arguments;
    arguments.reserve(argc);
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    // execGui() passes argv on as it was: copy it before QCoreApplication may edit it.
    std::vector<char*> originalArgv(argv, argv + argc);
    QCoreApplication app(argc, argv);
    if (!Cli::wantsCli(arguments))
        return execGui(static_cast<int>(originalArgv.size()), originalArgv.data());
    QCoreApplication::setApplicationName(QStringLiteral("logistician"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LOGISTICIAN_VERSION));
    return Cli::run(arguments);
}
