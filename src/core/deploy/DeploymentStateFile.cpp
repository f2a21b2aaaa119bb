// SPDX-License-Identifier: MIT
// deployment.json on disk: read and written with SafeFile, checked by StateRules, sealed by StateSeal.
// Apart from DeploymentState.cpp (the model and its JSON), so the JSON can be fuzzed alone.
#include "DeploymentState.h"
#include "Logging.h"
#include "deploy/StateRules.h"
#include "deploy/StateSeal.h"
#include "files/SafeFile.h"
#include "workspace/DeploymentIndex.h"

#include <QFileInfo>
#include <QJsonDocument>

Result DeploymentState::save(const QString& stateDir) const
{
    // The experiment folder is the trusted base: a .logistician planted as a symlink is refused.
    const QString base = QFileInfo(stateDir).absolutePath();
    if (Result made = SafeFile::makePath(stateDir, base); !made)
        return made;
    const QString path = stateDir + QLatin1Char('/') + QLatin1String(FileName);
    const QByteArray text = QJsonDocument(toJson()).toJson();
    // The seal first, naming the file there now too (only if it was ours): a crash before the state is
    // written leaves the old state, still sealed.
    QByteArray previous = SafeFile::read(path, 64 * 1024 * 1024).valueOr(QByteArray());
    if (!previous.isEmpty() && !StateSeal::verify(stateDir, previous))
        previous.clear();
    if (Result sealed = StateSeal::write(stateDir, text, previous); !sealed)
        return sealed;
    return SafeFile::write(path, text, base);
}

ResultOf<DeploymentState> DeploymentState::load(const QString& stateDir, Trust trust)
{
    const QString path = stateDir + QLatin1Char('/') + QLatin1String(FileName);
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink())
        return Result::notFound(QStringLiteral("%1: nothing is deployed").arg(path));
    // A regular file of a sane size, never through a symlink (the folder may have come with a clone).
    const auto text = SafeFile::read(path, 64 * 1024 * 1024);
    if (!text)
        return Result::badInput(QStringLiteral("cannot read %1").arg(text.message()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(*text, &parseError);
    if (!doc.isObject())
        return Result::badInput(
            QStringLiteral("%1: not a deployment state file (%2)").arg(path, parseError.errorString()));
    if (Result checked = StateRules::check(*text, path); !checked)
        return checked;
    if (trust == Trust::Sealed && !StateSeal::verify(stateDir, *text)) {
        // Written by an earlier version for this very folder (the index, which is this user's, knows it):
        // sealed now. Anything else did not come from this user's Logistician.
        if (DeploymentIndex().find(stateDir).isEmpty() || !StateSeal::write(stateDir, *text, QByteArray())) {
            const QString message = QStringLiteral("%1 was not written by your Logistician (it came with a clone, "
                                                   "or was edited by hand); ignored: nothing there is contacted "
                                                   "or changed")
                                        .arg(path);
            qCWarning(lcDeploy).noquote() << message;
            return Result::notFound(message);
        }
    }
    return fromJson(doc.object());
}

Result DeploymentState::writeMachinesFile(const QString& path) const
{
    QByteArray text;
    for (const Condition& c : conditions) {
        const Host* h = host(c.host);
        if (!h)
            continue;
        const QString ip = h->address == QLatin1String("local") ? QStringLiteral("127.0.0.1") : h->hostName();
        text += (ip + QStringLiteral(", ") + c.text + QLatin1Char('\n')).toUtf8();
    }
    return SafeFile::write(path, text);
}
