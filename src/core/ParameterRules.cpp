// SPDX-License-Identifier: MIT
#include "ParameterRules.h"

#include "ShellWords.h"

#include <QRegularExpression>
#include <QStringList>

namespace ParameterRules {

namespace {

// Text that becomes one argv word or one line of a file: a NUL would cut it
// short in execve, a line break would split machines.txt, and other control
// characters would reach a terminal as they are.
QString controlProblem(const QString& text)
{
    for (const QChar c : text) {
        if (c.unicode() == 0)
            return QStringLiteral("contains a NUL character");
        if (c == QLatin1Char('\n') || c == QLatin1Char('\r') || c.category() == QChar::Separator_Line
            || c.category() == QChar::Separator_Paragraph)
            return QStringLiteral("contains a line break");
        if (c.category() == QChar::Other_Control && c != QLatin1Char('\t'))
            return QStringLiteral("contains the control character U+%1")
                .arg(QString::number(c.unicode(), 16).toUpper().rightJustified(4, QLatin1Char('0')));
    }
    return QString();
}

bool matches(const QString& pattern, const QString& text)
{
    // Patterns are few and fixed; compiling on use keeps this file free of statics per pattern.
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(text).hasMatch();
}

bool validPort(const QString& digits)
{
    bool ok = false;
    const int port = digits.toInt(&ok);
    return ok && digits.size() <= 5 && port >= 1 && port <= 65535;
}

} // namespace

QString condition(const QString& text)
{
    if (QString problem = controlProblem(text); !problem.isEmpty())
        return problem;
    if (const auto words = ShellWords::split(text); !words)
        return words.message();
    return QString();
}

QString gridValue(const QString& text)
{
    return controlProblem(text);
}

QString gridKey(const QString& key)
{
    // "lr" becomes "--lr"; "--lr" and "-l" are used as written.
    if (!matches(QStringLiteral("(--?)?[A-Za-z0-9][A-Za-z0-9_.-]*"), key))
        return QStringLiteral("must be letters, digits, '_', '.' or '-', starting with a letter or digit "
                              "(optionally after - or --)");
    return QString();
}

QString host(const QString& address)
{
    const QString shape = QStringLiteral("must look like \"user@host\" or \"user@host:port\"");
    const int at = address.indexOf(QLatin1Char('@'));
    if (at < 0)
        return shape;
    const QString user = address.left(at);
    QString host = address.mid(at + 1);
    QString port;
    const int colon = host.lastIndexOf(QLatin1Char(':'));
    if (colon >= 0) {
        port = host.mid(colon + 1);
        host = host.left(colon);
    }
    if (user.startsWith(QLatin1Char('-')) || host.startsWith(QLatin1Char('-')))
        return QStringLiteral("has a user or host beginning with '-', which ssh would read as an option");
    const QString name = QStringLiteral("[A-Za-z0-9_][A-Za-z0-9._-]{0,252}");
    if (!matches(name, user) || !matches(name, host) || (colon >= 0 && !matches(QStringLiteral("[0-9]+"), port)))
        return shape;
    if (colon >= 0 && !validPort(port))
        return QStringLiteral("has port %1; a port is 1 to 65535").arg(port);
    return QString();
}

QString dockerCommand(const QString& text)
{
    const QString expected = QStringLiteral("must be docker, nvidia-docker or podman (by name or absolute path, "
                                            "optionally after sudo)");
    auto words = ShellWords::split(text);
    if (!words)
        return words.message();
    if (words->isEmpty())
        return QString(); // unset: docker
    if (words->size() == 2 && words->first() == QLatin1String("sudo"))
        words->removeFirst();
    if (words->size() != 1)
        return expected + QStringLiteral(", not \"%1\"").arg(text);
    const QString program = words->first();
    const QStringList names { QStringLiteral("docker"), QStringLiteral("nvidia-docker"), QStringLiteral("podman") };
    if (names.contains(program))
        return QString();
    if (matches(QStringLiteral("(/[A-Za-z0-9._+-]+)+"), program)
        && names.contains(program.section(QLatin1Char('/'), -1))) {
        // A path is a program installed on this machine, not a way into a project:
        // no "." or ".." step, nothing under the kernel's folders (/proc/self/cwd/docker
        // is the project's own ./docker).
        const QStringList steps = program.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        if (steps.contains(QLatin1String(".")) || steps.contains(QLatin1String("..")))
            return QStringLiteral("must be a clean absolute path (no \".\" or \"..\"), not \"%1\"").arg(text);
        for (const char* kernel : { "proc", "dev", "sys" }) {
            if (steps.first() == QLatin1String(kernel))
                return QStringLiteral("must not be under /%1, not \"%2\"").arg(QLatin1String(kernel), text);
        }
        return QString();
    }
    return expected + QStringLiteral(", not \"%1\"").arg(text);
}

QString registry(const QString& text)
{
    if (text.isEmpty())
        return QString();
    // Docker's reference grammar: domain components, an optional port, then
    // lower-case path components separated by '/'.
    const QString component = QStringLiteral("(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])");
    const QString path = QStringLiteral("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    const QRegularExpression re(QRegularExpression::anchoredPattern(
        QStringLiteral("(%1(?:\\.%1)*)(?::([0-9]+))?((?:/%2)*)").arg(component, path)));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch() || text.size() > 200)
        return QStringLiteral("must be a registry host with an optional port and path, like "
                              "registry.example.com:5000/team (the path in lower case)");
    if (m.capturedLength(2) > 0 && !validPort(m.captured(2)))
        return QStringLiteral("has port %1; a port is 1 to 65535").arg(m.captured(2));
    return QString();
}

QString registryUser(const QString& text)
{
    if (text.isEmpty())
        return QString();
    if (text.startsWith(QLatin1Char('-')))
        return QStringLiteral("must not begin with '-'");
    if (!matches(QStringLiteral("[A-Za-z0-9_][A-Za-z0-9._@+-]{0,254}"), text))
        return QStringLiteral("must be letters, digits, '.', '_', '@', '+' or '-', with no spaces");
    return QString();
}

Cidr parseCidr(const QString& text)
{
    Cidr c;
    c.text = text;
    static const QRegularExpression form(QRegularExpression::anchoredPattern(
        QStringLiteral("^(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})/"
                       "(0|[1-9][0-9]?)$")));
    const QRegularExpressionMatch m = form.match(text);
    if (!m.hasMatch()) {
        c.error = QStringLiteral("\"%1\" is not an IPv4 address range like 203.0.113.7/32 (four decimal numbers "
                                 "without leading zeros, a slash and a prefix length)")
                      .arg(text);
        return c;
    }
    quint32 address = 0;
    for (int i = 1; i <= 4; ++i) {
        const int octet = m.captured(i).toInt();
        if (octet > 255) {
            c.error = QStringLiteral("\"%1\": %2 is not an address byte (0-255)").arg(text).arg(octet);
            return c;
        }
        address = (address << 8) | static_cast<quint32>(octet);
    }
    const int prefix = m.captured(5).toInt();
    if (prefix > 32) {
        c.error = QStringLiteral("\"%1\": the prefix length must be 0 to 32").arg(text);
        return c;
    }
    const quint32 mask = prefix == 0 ? 0u : ~quint32(0) << (32 - prefix);
    if ((address & ~mask) != 0) {
        const quint32 network = address & mask;
        c.error = QStringLiteral("\"%1\" has host bits set; the range it lies in is %2.%3.%4.%5/%6 (or use /32 for "
                                 "this one address)")
                      .arg(text)
                      .arg(network >> 24)
                      .arg((network >> 16) & 0xff)
                      .arg((network >> 8) & 0xff)
                      .arg(network & 0xff)
                      .arg(prefix);
        return c;
    }
    c.prefix = prefix;
    return c;
}

} // namespace ParameterRules
