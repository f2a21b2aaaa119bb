// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// The formats of the parameters.json values that reach a shell, ssh, rsync or
// docker. Each function returns what is wrong with a value, or an empty string
// when it is fine; Parameters::parse adds the file, line and column, and the
// GUI and the CLI call the same functions for values typed by a person.
namespace ParameterRules {

// A condition: shell words that split (balanced quotes), with no NUL, line
// break or other control character (it becomes argv and one line of machines.txt).
QString condition(const QString& text);

// A value of parameter_grid: no NUL, line break or other control character.
QString gridValue(const QString& text);

// A parameter_grid key: --?[A-Za-z0-9][A-Za-z0-9_.-]*
QString gridKey(const QString& key);

// An ssh host "user@host[:port]": user and host are names (never beginning
// with '-', which ssh would read as an option), the port 1 to 65535.
QString host(const QString& address);

// local_docker_command / remote_docker_command: docker, nvidia-docker or
// podman, by name or absolute path, optionally after "sudo"; nothing else.
QString dockerCommand(const QString& text);

// A registry and repository prefix as Docker's reference grammar has it:
// host[:port][/path], e.g. "registry.example.com:5000/team".
QString registry(const QString& text);

// A registry user name: no spaces or control characters, not beginning with '-'.
QString registryUser(const QString& text);

// An IPv4 range read strictly: four canonical decimal octets, a prefix 0-32, host bits zero.
struct Cidr
{
    QString text;
    int prefix = -1;
    QString error; // empty when valid
    bool isValid() const { return error.isEmpty(); }
    // Shorter than /16 (0.0.0.0/0 included): SSH from a large part of the internet.
    bool isWide() const { return isValid() && prefix < 16; }
};
Cidr parseCidr(const QString& text);

} // namespace ParameterRules
