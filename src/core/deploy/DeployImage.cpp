// SPDX-License-Identifier: MIT
// deploy's image steps: built here and pushed to the registry, or got on each host (pulled, built
// there, or shipped as an archive by the backend).
#include "CredentialStore.h"
#include "DeployOperation.h"
#include "Logging.h"
#include "Settings.h"
#include "ShellWords.h"
#include "deploy/Launch.h"
#include "deploy/RemoteScript.h"
#include "deploy/TerminateOperation.h"

#include <QDir>
#include <QTemporaryDir>
#include <QUuid>

using Phase = DeploymentState::Phase;
using HostPhase = DeploymentState::HostPhase;

void DeployOperation::buildImage()
{
    qCDebug(lcDeploy).noquote() << "deploy step: build the image" << m_ctx.state.image;
    // Built here for the local engine, or to push to the registry; without a
    // registry each host builds from the uploaded Dockerfile.
    if (m_ctx.isRemote() && m_ctx.state.registry.isEmpty() && !m_ctx.backend->shipsImageArchive()) {
        provision();
        return;
    }
    const Experiment& e = m_ctx.experiment;
    const QString context = m_ctx.codeDir() + QLatin1Char('/') + QDir(e.projectRoot()).relativeFilePath(e.dir());
    Q_EMIT m_ctx.progress(QStringLiteral("building %1").arg(m_ctx.state.image));
    m_ctx.run(Docker::build(e.parameters().localDockerCommand(), context, m_ctx.state.image, false,
                            { QStringLiteral("logistician.image-of=") + m_ctx.state.experiment }),
              [this](const CommandOutcome& o) {
                  if (!o.ok()) {
                      end(Result::failed(QStringLiteral("docker build failed: %1").arg(o.errorText())));
                      return;
                  }
                  pushImage();
              });
}

void DeployOperation::pushImage()
{
    qCDebug(lcDeploy).noquote() << "deploy step: push the image" << m_ctx.state.image;
    if (!m_ctx.isRemote() || m_ctx.state.registry.isEmpty()) {
        inspectThenProvision();
        return;
    }
    m_registryUser = m_ctx.experiment.parameters().json().value(QStringLiteral("registry_user")).toString();
    if (m_registryUser.isEmpty())
        m_registryUser = Settings().registryUser();
    if (m_registryUser.isEmpty()) {
        end(Result::badInput(
            QStringLiteral("no registry user for %1; run `logistician setup`").arg(m_ctx.state.registry)));
        return;
    }
    auto* store = new CredentialStore(m_ctx.work);
    store->read(CredentialStore::Secret::RegistryPassword, [this, store](const CredentialStore::Reply& reply) {
        store->deleteLater();
        if (!reply.ok()) {
            end(Result::badInput(
                QStringLiteral("no registry password: %1; run `logistician setup` or set LOGISTICIAN_REGISTRY_PASSWORD")
                    .arg(reply.message.isEmpty() ? QStringLiteral("not stored") : reply.message)));
            return;
        }
        loginAndPush(reply.value);
    });
}

void DeployOperation::loginAndPush(const QString& password)
{
    qCDebug(lcDeploy).noquote() << "deploy step: log in to the registry and push";
    m_registryPassword = password;
    const QString docker = m_ctx.experiment.parameters().localDockerCommand();
    // A client configuration of this push's own (mode 0700), removed with the credential
    // docker login writes into it as soon as the push is done: ~/.docker never holds it.
    // Named for the experiment: terminate removes one a killed deploy left (TerminateOperation::localLoginPrefix).
    auto config = std::make_shared<QTemporaryDir>(TerminateOperation::localLoginFolder() + QLatin1Char('/')
                                                  + TerminateOperation::localLoginPrefix(m_ctx.state.experiment)
                                                  + QStringLiteral("XXXXXX"));
    if (!config->isValid()) {
        end(Result::failed(QStringLiteral("cannot make a folder for docker login: %1").arg(config->errorString())));
        return;
    }
    auto push = [this, docker, config] {
        Q_EMIT m_ctx.progress(QStringLiteral("pushing %1").arg(m_ctx.state.image));
        m_ctx.run(Docker::push(docker, m_ctx.state.image, config->path()), [this, config](const CommandOutcome& o) {
            config->remove();
            if (!o.ok()) {
                end(Result::failed(QStringLiteral("docker push failed: %1").arg(o.errorText())));
                return;
            }
            inspectThenProvision();
        });
    };
    m_ctx.run(Docker::login(docker, m_ctx.state.registry, m_registryUser, password, config->path()),
              [this, push](const CommandOutcome& o) {
                  if (!o.ok()) {
                      end(Result::failed(
                          QStringLiteral("docker login %1 failed: %2").arg(m_ctx.state.registry, o.errorText())));
                      return;
                  }
                  push();
              });
}

void DeployOperation::inspectThenProvision()
{
    qCDebug(lcDeploy).noquote() << "deploy step: inspect the image, then provision";
    const QString docker = m_ctx.experiment.parameters().localDockerCommand();
    m_ctx.run(Provenance::inspectImage(docker, m_ctx.state.image), [this](const CommandOutcome& o) {
        m_image = Provenance::parseImageFacts(o.out, m_ctx.state.image);
        if (!m_image.valid()) {
            end(Result::failed(
                QStringLiteral("docker image inspect %1 failed: %2").arg(m_ctx.state.image, o.errorText())));
            return;
        }
        provision();
    });
}

Command DeployOperation::registryPull(const DeploymentState::Host& host) const
{
    // templates/remote/registry-pull.sh: the credential lives in a folder of this pull's own, gone when it ends;
    // the password reaches docker login through standard input, never a command line.
    const QString setting = m_ctx.experiment.parameters().remoteDockerCommand();
    const QString dir = QStringLiteral("%1/logistician/%2%3")
                            .arg(host.home, TerminateOperation::remoteLoginPrefix(m_ctx.state.experiment),
                                 QUuid::createUuid().toString(QUuid::Id128).left(16));
    const QString text
        = RemoteScript(QStringLiteral("registry-pull"))
              .set(QStringLiteral("BASE_DIR"), host.home + QStringLiteral("/logistician"))
              .set(QStringLiteral("CONFIG_DIR"), dir)
              .setWords(
                  QStringLiteral("LOGIN"),
                  Docker::argv(Docker::login(setting, m_ctx.state.registry, m_registryUser, m_registryPassword, dir)))
              .setWords(QStringLiteral("PULL"), Docker::argv(Docker::pull(setting, m_ctx.state.image, dir)))
              .render();
    Command c = m_ctx.backend->script(host, text, m_registryPassword.toUtf8() + '\n');
    c.secrets << m_registryPassword;
    return c;
}

void DeployOperation::getImageOnHost(int hostIndex, JobPool::Done done)
{
    qCDebug(lcDeploy).noquote() << "deploy step: get the image on host" << hostIndex;
    const DeploymentState::Host host = m_ctx.state.hosts.at(hostIndex);
    m_ctx.setHostPhase(host.address, HostPhase::Building);
    if (m_ctx.backend->shipsImageArchive()) {
        // e.g. slurm with podman or apptainer: the image built here goes there as an archive.
        m_ctx.backend->shipImage(m_ctx, host, [this, address = host.address, done](const Result& shipped) {
            if (!shipped) {
                m_ctx.setHostPhase(address, HostPhase::Unreachable, shipped.message());
                m_problems << QStringLiteral("%1: %2").arg(address, shipped.message());
            } else {
                m_ctx.setHostPhase(address, HostPhase::Ready);
            }
            done();
        });
        return;
    }
    auto ready = [this, address = host.address, done](const CommandOutcome& o, const QString& what) {
        if (!o.ok()) {
            hostFailed(address, o, what, done);
            return;
        }
        m_ctx.setHostPhase(address, HostPhase::Ready);
        done();
    };
    if (!m_ctx.state.registry.isEmpty()) {
        m_ctx.run(registryPull(host),
                  [ready](const CommandOutcome& o) { ready(o, QStringLiteral("docker login and pull")); });
        return;
    }
    // No registry: the host builds the image from the pinned commit's Dockerfile.
    const Experiment& e = m_ctx.experiment;
    const QString sub = QDir(e.projectRoot()).relativeFilePath(e.dir());
    const QString remoteContext = m_ctx.remoteExperimentDir(host) + QStringLiteral("/image");
    m_ctx.run(m_ctx.backend->ssh(host).upload(m_ctx.codeDir() + QLatin1Char('/') + sub, remoteContext),
              [this, host, remoteContext, ready, done](const CommandOutcome& o) {
                  if (!o.ok()) {
                      hostFailed(host.address, o, QStringLiteral("upload"), done);
                      return;
                  }
                  const Command build
                      = Docker::build(m_ctx.dockerSetting(true), remoteContext, m_ctx.state.image, true,
                                      { QStringLiteral("logistician.image-of=") + m_ctx.state.experiment });
                  m_ctx.run(Launch::touchActivity(m_ctx, host), [this, host, build, ready](const CommandOutcome&) {
                      m_ctx.run(m_ctx.backend->command(host, Docker::argv(build)),
                                [this, address = host.address, ready](const CommandOutcome& o) {
                                    // build -q prints the image ID: the one this host runs.
                                    if (const QString id = QString::fromUtf8(o.out).trimmed();
                                        o.ok() && id.startsWith(QLatin1String("sha256:")))
                                        m_hostImageIds.insert(address, id);
                                    ready(o, QStringLiteral("docker build"));
                                });
                  });
              });
}
