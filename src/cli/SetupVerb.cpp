// SPDX-License-Identifier: MIT
#include "SetupVerb.h"

#include "AppPaths.h"
#include "Console.h"
#include "CredentialStore.h"
#include "OriginalConfigImport.h"
#include "Settings.h"
#include "SshKey.h"
#include "ToolCheck.h"
#include "Wait.h"
#include "deploy/ImageReference.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcessEnvironment>

namespace {

CredentialStore::Reply waitFor(const std::function<void(CredentialStore::Callback)>& call)
{
    CredentialStore::Reply result;
    Wait::until([&](const std::function<void()>& over) {
        call([&result, over](const CredentialStore::Reply& reply) {
            result = reply;
            over();
        });
    });
    return result;
}

// Prints what each tool is; returns the same for --json.
QJsonArray checkTools()
{
    ToolCheck check;
    Wait::forSignal(&check, &ToolCheck::finished, [&] { check.start(); });
    Console::err(QStringLiteral("\nTools:\n"));
    QJsonArray tools;
    for (const ToolCheck::Tool& tool : check.tools()) {
        if (tool.found)
            Console::err(QStringLiteral("  %1  %2\n").arg(tool.name, -10).arg(tool.version));
        else
            Console::err(QStringLiteral("  %1  missing: %2\n").arg(tool.name, -10).arg(tool.installHint));
        tools.append(QJsonObject {
            { QStringLiteral("name"), tool.name },
            { QStringLiteral("found"), tool.found },
            { QStringLiteral("version"), tool.found ? QJsonValue(tool.version) : QJsonValue() },
            { QStringLiteral("install_hint"), tool.found ? QJsonValue() : QJsonValue(tool.installHint) } });
    }
    return tools;
}

QJsonValue orNull(const QString& text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

// Prints the name deploy gives the image (ImageReference, as deploy makes it): pushed to the registry and
// pulled by the hosts; without one, each host builds it. Returns it.
QString showImage(const Settings& settings)
{
    const QString image = ImageReference::pattern(settings.registry(), settings.imageRepository());
    Console::err(QStringLiteral("  Image of a deploy: %1 (%2)\n")
                     .arg(image,
                          settings.registry().isEmpty()
                              ? QStringLiteral("no registry: each host builds it from the Dockerfile")
                              : QStringLiteral("an experiment's own registry in parameters.json takes the place of "
                                               "%1")
                                    .arg(settings.registry())));
    return image;
}

// The original Logistician's plain-text settings, offered for import before anything is asked.
int offerOriginalImport(bool interactive, bool deleteOriginal)
{
    CredentialStore store;
    if (const QString service = qEnvironmentVariable("LOGISTICIAN_KEYCHAIN_SERVICE"); !service.isEmpty())
        store.setService(service);
    return importOriginalConfig(interactive, deleteOriginal, &store);
}

// What became of each secret ("stored", "unchanged", "environment"), and the exit code when one failed.
struct Secrets
{
    int code = 0;
    QJsonObject credentials;
};

// Secrets: prompted without echo, or taken from the environment; into the keychain only.
Secrets storeSecrets(bool interactive)
{
    CredentialStore store;
    const QString service = qEnvironmentVariable("LOGISTICIAN_KEYCHAIN_SERVICE");
    if (!service.isEmpty())
        store.setService(service);
    Console::err(QStringLiteral("\nCredentials (keychain service \"%1\"):\n").arg(store.service()));
    Secrets out;
    for (auto secret : { CredentialStore::Secret::RegistryPassword, CredentialStore::Secret::AwsAccessKeyId,
                         CredentialStore::Secret::AwsSecretAccessKey }) {
        const QString envName = CredentialStore::environmentVariable(secret);
        QString value = qEnvironmentVariable(envName.toUtf8().constData());
        const bool fromEnvironment = !value.isEmpty();
        if (!fromEnvironment && interactive)
            value = Console::prompt(QStringLiteral("  %1 (empty to keep)").arg(CredentialStore::label(secret)),
                                    QString(), true);
        const QString key = CredentialStore::keyName(secret).replace(QLatin1Char('-'), QLatin1Char('_'));
        if (value.isEmpty()) {
            Console::err(QStringLiteral("  %1: unchanged\n").arg(CredentialStore::label(secret)));
            out.credentials.insert(key, QStringLiteral("unchanged"));
            continue;
        }
        const auto reply = waitFor([&](CredentialStore::Callback cb) { store.write(secret, value, cb); });
        if (reply.ok()) {
            Console::err(QStringLiteral("  %1: stored in the keychain\n").arg(CredentialStore::label(secret)));
            out.credentials.insert(key, QStringLiteral("stored"));
        } else if (fromEnvironment
                   && (reply.kind() == Result::Kind::Unavailable || reply.kind() == Result::Kind::Failed)) {
            // CI: no keychain (QtKeychain reports a missing D-Bus as a plain failure), and
            // none needed: the variable is read where it is used.
            Console::err(QStringLiteral("  %1: not stored in the keychain; %2 will be used from the environment\n")
                             .arg(CredentialStore::label(secret), envName));
            out.credentials.insert(key, QStringLiteral("environment"));
        } else {
            out.code = Console::exitWith(
                Result::failed(QStringLiteral("%1: %2").arg(CredentialStore::label(secret), reply.result.message())));
            break;
        }
    }
    return out;
}

} // namespace

// The SSH key for machines, made when there is none; whether it existed before.
ResultOf<bool> SetupVerb::ensureSshKey(const QString& keyPath)
{
    Console::err(QStringLiteral("\nSSH key:\n"));
    if (QFileInfo::exists(keyPath)) {
        SshKey::restrictPermissions(keyPath);
        Console::err(QStringLiteral("  %1 (exists)\n").arg(keyPath));
        return true;
    }
    QDir().mkpath(QFileInfo(keyPath).absolutePath());
    Result made = runToEnd(SshKey::generateCommand(keyPath), QStringLiteral("ssh-keygen"));
    if (made && !SshKey::restrictPermissions(keyPath))
        made = Result::failed(QStringLiteral("cannot make it private to you"));
    if (!made)
        return Result::failed(QStringLiteral("could not create the SSH key %1: %2").arg(keyPath, made.message()));
    Console::err(QStringLiteral("  %1 (created)\n").arg(keyPath));
    return false;
}

int SetupVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption nonInteractive(QStringLiteral("non-interactive"),
                                            QStringLiteral("Ask nothing: take flags and environment variables (CI)."));
    const QCommandLineOption registry(
        QStringLiteral("registry"),
        QStringLiteral("Image registry and repository, e.g. 127.0.0.1:5000 or docker.io/USER."), QStringLiteral("URL"));
    const QCommandLineOption registryUser(QStringLiteral("registry-user"), QStringLiteral("Registry user name."),
                                          QStringLiteral("USER"));
    const QCommandLineOption region(QStringLiteral("aws-region"), QStringLiteral("Default AWS region."),
                                    QStringLiteral("REGION"));
    const QCommandLineOption instanceType(QStringLiteral("aws-instance-type"),
                                          QStringLiteral("Default EC2 instance type."), QStringLiteral("TYPE"));
    const QCommandLineOption skipTools(QStringLiteral("skip-tool-check"), QStringLiteral("Do not check the tools."));
    const QCommandLineOption deleteOriginal(
        QStringLiteral("delete-original-config"),
        QStringLiteral("After importing ~/.logistician/config.json (the original Logistician's), delete it."));
    const QCommandLineOption json = jsonOption();
    for (const auto& o :
         { nonInteractive, registry, registryUser, region, instanceType, skipTools, deleteOriginal, json })
        parser.addOption(o);
    if (int code = parse(parser, arguments); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return Console::exitWith(Result::badInput(
            QStringLiteral("setup: unexpected argument %1").arg(parser.positionalArguments().first())));
    // --json asks nothing, as --non-interactive: a script reads the document.
    const bool interactive = !parser.isSet(nonInteractive) && !parser.isSet(json) && Console::stdinIsTerminal();

    QJsonArray tools;
    if (!parser.isSet(skipTools))
        tools = checkTools();

    if (const int code = offerOriginalImport(interactive, parser.isSet(deleteOriginal)); code != 0)
        return code;

    // Non-secret settings.
    Settings settings;
    auto setting = [&](const QCommandLineOption& option, const QString& question, const QString& current,
                       void (Settings::*set)(const QString&)) {
        QString value = parser.value(option);
        if (value.isEmpty() && interactive)
            value = Console::prompt(question, current);
        if (!value.isEmpty())
            (settings.*set)(value);
    };
    Console::err(QStringLiteral("\nSettings (%1):\n").arg(AppPaths::settingsFile()));
    setting(registry, QStringLiteral("  Registry and repository (e.g. docker.io/USER)"), settings.registry(),
            &Settings::setRegistry);
    setting(registryUser, QStringLiteral("  Registry user name"), settings.registryUser(), &Settings::setRegistryUser);
    setting(region, QStringLiteral("  Default AWS region"), settings.defaultRegion(), &Settings::setDefaultRegion);
    setting(instanceType, QStringLiteral("  Default EC2 instance type"), settings.defaultInstanceType(),
            &Settings::setDefaultInstanceType);
    const QString image = showImage(settings);
    const Secrets secrets = storeSecrets(interactive);
    const QString keyPath = SshKey::privateKeyPath();
    const auto keyExisted = ensureSshKey(keyPath);
    if (!keyExisted)
        return Console::exitWith(keyExisted.error());
    if (secrets.code == 0 && parser.isSet(json))
        Console::printJson({ { QStringLiteral("verb"), name() },
                             { QStringLiteral("exit_code"), 0 },
                             { QStringLiteral("error"), QJsonValue() },
                             { QStringLiteral("settings_file"), AppPaths::settingsFile() },
                             { QStringLiteral("registry"), orNull(settings.registry()) },
                             { QStringLiteral("registry_user"), orNull(settings.registryUser()) },
                             { QStringLiteral("image_repository"), orNull(settings.imageRepository()) },
                             { QStringLiteral("image"), image },
                             { QStringLiteral("aws_region"), settings.defaultRegion() },
                             { QStringLiteral("aws_instance_type"), settings.defaultInstanceType() },
                             { QStringLiteral("credentials"), secrets.credentials },
                             { QStringLiteral("ssh_key"), keyPath },
                             { QStringLiteral("ssh_key_created"), !*keyExisted },
                             { QStringLiteral("tools"), tools } });
    return secrets.code;
}
