// SPDX-License-Identifier: MIT
#include "ResultsStoreSync.h"

#include "AsyncCommand.h"
#include "CredentialStore.h"
#include "Parameters.h"
#include "PrintableText.h"
#include "Settings.h"
#include "deploy/ResultsStore.h"
#include "deploy/backends/BackendRegistry.h"
#include "files/SafeFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryFile>

namespace ResultsStoreSync {

namespace {

QString installHint()
{
    return QStringLiteral("the results store is read with the AWS CLI, which is not installed or not on PATH: "
                          "apt-get install awscli (Debian, Ubuntu), or see "
                          "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html");
}

// The environment of the AWS CLI here: on aws the keys Logistician keeps (keychain, or the environment in
// CI) and the machines' region; elsewhere the AWS CLI's own settings of this user.
void withEnvironment(const Parameters& parameters, const QString& backend, QObject* owner,
                     std::function<void(const QMap<QString, QString>&)> then)
{
    if (!BackendRegistry::traits(backend).usesAwsKeys) {
        then({});
        return;
    }
    auto env = std::make_shared<QMap<QString, QString>>();
    if (const QString region = BackendRegistry::machinePrice(backend, parameters).place; !region.isEmpty())
        env->insert(QStringLiteral("AWS_DEFAULT_REGION"), region);
    auto* store = new CredentialStore(owner);
    store->read(CredentialStore::Secret::AwsAccessKeyId, [store, env, then](const CredentialStore::Reply& id) {
        if (!id.ok()) {
            store->deleteLater();
            then(*env); // the AWS CLI's own configuration, if any
            return;
        }
        store->read(CredentialStore::Secret::AwsSecretAccessKey,
                    [store, env, then, id = id.value](const CredentialStore::Reply& key) {
                        store->deleteLater();
                        if (key.ok()) {
                            env->insert(QStringLiteral("AWS_ACCESS_KEY_ID"), id);
                            env->insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), key.value);
                        }
                        then(*env);
                    });
    });
}

Command aws(const QStringList& args, const QMap<QString, QString>& env)
{
    Command c;
    c.program = QStringLiteral("aws");
    c.arguments = args;
    c.environment = env;
    for (auto it = env.cbegin(); it != env.cend(); ++it) {
        if (it.key() != QLatin1String("AWS_DEFAULT_REGION"))
            c.secretEnvironment << it.key();
    }
    return c;
}

QString md5Of(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Md5);
    hash.addData(&f);
    return QString::fromLatin1(hash.result().toHex());
}

// Each listed data file against what arrived: a regular file (never a link), of the object's size and, when
// the ETag is the object's MD5 (not uploaded in parts, not encrypted with KMS), of its MD5.
QString verify(const QString& local, const QList<ResultsStore::Object>& objects, const QString& dataPrefix)
{
    static const QRegularExpression md5(QStringLiteral("^[0-9a-f]{32}$"));
    for (const ResultsStore::Object& o : objects) {
        if (!o.key.startsWith(dataPrefix))
            continue;
        const QString path = local + QLatin1Char('/') + o.key.mid(dataPrefix.size());
        const QFileInfo info(path);
        if (info.isSymLink() || !info.isFile())
            return QStringLiteral("%1 did not arrive as a file").arg(PrintableText::clean(o.key));
        if (info.size() != o.size)
            return QStringLiteral("%1 arrived with %2 bytes, the store has %3")
                .arg(PrintableText::clean(o.key))
                .arg(info.size())
                .arg(o.size);
        if (md5.match(o.etag).hasMatch() && md5Of(path) != o.etag)
            return QStringLiteral("%1: its checksum differs from the store's (MD5 %2)")
                .arg(PrintableText::clean(o.key), o.etag);
    }
    return {};
}

// The first folder on the way to a listed data file (below local) that is a symbolic link; empty if none.
QString linkOnTheWay(const QString& local, const QList<ResultsStore::Object>& objects, const QString& dataPrefix)
{
    QSet<QString> checked;
    for (const ResultsStore::Object& o : objects) {
        if (!o.key.startsWith(dataPrefix))
            continue;
        QString path = local;
        for (const QString& part : o.key.mid(dataPrefix.size()).split(QLatin1Char('/'))) {
            path += QLatin1Char('/') + part;
            if (checked.contains(path))
                continue;
            checked.insert(path);
            if (QFileInfo(path).isSymLink())
                return path;
        }
    }
    return {};
}

} // namespace

bool applies(const DeployContext& ctx)
{
    return ctx.isRemote() && ResultsStore::of(ctx.experiment.parameters()).has_value();
}

SyncOperation::Selection select(const DeploymentState& state, const QSet<int>& selected)
{
    SyncOperation::Selection s;
    for (int i = 0; i < state.conditions.size(); ++i) {
        if (!selected.isEmpty() && !selected.contains(i))
            continue;
        // Started once, or handed to a machine that is gone or silent now (it may have run, uploaded and ended
        // before any status round saw it start): the store has what was uploaded.
        const DeploymentState::Condition& c = state.conditions.at(i);
        using Phase = DeploymentState::Phase;
        if (c.startedAt.isValid() || c.phase == Phase::Unreachable || c.phase == Phase::Stopped
            || c.phase == Phase::Preempted)
            s.positions << i;
    }
    return s;
}

void syncOne(DeployContext& ctx, int i, const SyncOptions& options, std::shared_ptr<SyncOperation::Tally> tally,
             JobPool::Done done)
{
    Q_UNUSED(options);
    const std::optional<ResultsStore::Location> store = ResultsStore::of(ctx.experiment.parameters());
    const QString slug = ctx.state.conditions.at(i).slug;
    auto fail = [tally, done, slug](const QString& why) {
        tally->failures << QStringLiteral("%1: %2").arg(slug, why);
        done();
    };
    if (!store) {
        fail(QStringLiteral("no results store"));
        return;
    }
    if (QStandardPaths::findExecutable(QStringLiteral("aws")).isEmpty()) {
        fail(installHint());
        return;
    }
    const QDateTime started = QDateTime::currentDateTimeUtc();
    withEnvironment(
        ctx.experiment.parameters(), ctx.state.backend, ctx.work ? ctx.work : &ctx,
        [&ctx, i, store = *store, slug, tally, done, fail, started,
         saveEach = options.saveEach](const QMap<QString, QString>& env) {
            const QString prefix = store.conditionPrefix(slug);
            Q_EMIT ctx.progress(QStringLiteral("syncing %1 from %2").arg(slug, store.conditionUrl(slug)));
            ctx.run(
                aws({ QStringLiteral("s3api"), QStringLiteral("list-objects-v2"), QStringLiteral("--bucket"),
                      store.bucket, QStringLiteral("--prefix"), prefix, QStringLiteral("--output"),
                      QStringLiteral("json") },
                    env)
                    .asQuery(),
                [&ctx, i, store, slug, env, tally, done, fail, started, saveEach, prefix](const CommandOutcome& o) {
                    if (!o.ok()) {
                        fail(QStringLiteral("listing %1 failed: %2").arg(store.conditionUrl(slug), o.errorText()));
                        return;
                    }
                    const auto objects = ResultsStore::parseListing(o.out);
                    if (!objects) {
                        fail(objects.message());
                        return;
                    }
                    const QString dataPrefix = prefix + QStringLiteral("data/");
                    ctx.state.conditions[i].storeBytes = ResultsStore::bytesOf(*objects); // its storage's cost
                    const DeploymentState::Condition& c = ctx.state.conditions.at(i);
                    bool uploaded = false;
                    bool hasData = false;
                    for (const ResultsStore::Object& object : *objects) {
                        if (object.key == prefix + QStringLiteral("uploaded/") + c.attemptKey(c.attempt))
                            uploaded = true;
                        if (!object.key.startsWith(dataPrefix))
                            continue;
                        hasData = true;
                        // Checked before anything is written: aws s3 sync would write it where it points.
                        if (const QString why = ResultsStore::keyProblem(object.key.mid(dataPrefix.size()));
                            !why.isEmpty()) {
                            fail(QStringLiteral("refused: the store holds \"%1\", whose name has %2; nothing of "
                                                "it was downloaded")
                                     .arg(PrintableText::clean(object.key), why));
                            return;
                        }
                    }
                    const QString local = ctx.localDataDir(c, 1);
                    // A link already in the folder (an earlier sync over ssh copies links as links) would take a
                    // file written through it elsewhere.
                    if (const QString link = linkOnTheWay(local, *objects, dataPrefix); !link.isEmpty()) {
                        fail(QStringLiteral("refused: %1 is a symbolic link; nothing was downloaded").arg(link));
                        return;
                    }
                    // Marks it synced when its current attempt's upload finished and it had finished.
                    auto conclude = [&ctx, i, tally, done, started, saveEach] {
                        const DeploymentState::Condition& c = ctx.state.conditions.at(i);
                        if (c.isFinished()) {
                            ctx.state.conditions[i].syncedAt = started;
                            if (saveEach)
                                ctx.save();
                            Q_EMIT ctx.conditionChanged(i);
                        }
                        ++tally->count;
                        done();
                    };
                    auto finish = [&ctx, i, uploaded, fail, conclude, env, store, slug] {
                        const DeploymentState::Condition& c = ctx.state.conditions.at(i);
                        using Phase = DeploymentState::Phase;
                        const bool silent
                            = c.phase == Phase::Unreachable || c.phase == Phase::Stopped || c.phase == Phase::Preempted;
                        if (!uploaded && !c.isFinished() && !silent) {
                            // Still running (or waiting) on a machine that answers: what its logs uploads brought
                            // is here; it is synced once its attempt ends and is uploaded.
                            conclude();
                            return;
                        }
                        if (!uploaded) {
                            fail(QStringLiteral("its upload to the results store has not finished (%1 is not "
                                                "marked uploaded)")
                                     .arg(c.attemptKey(c.attempt)));
                            return;
                        }
                        const bool gone
                            = c.phase == Phase::Unreachable || c.phase == Phase::Stopped || c.phase == Phase::Preempted;
                        // Its run had ended when its machine went silent (gone, stopped): the store has what it
                        // left, so it is what it was last seen as.
                        if (gone && (c.lastRunPhase == Phase::Succeeded || c.lastRunPhase == Phase::Failed)) {
                            ctx.state.conditions[i].phase = c.lastRunPhase;
                            conclude();
                            return;
                        }
                        if (!gone) {
                            conclude();
                            return;
                        }
                        // Its machine went (ended itself after the upload, taken back, lost) before a status
                        // round saw the end: the marker says how the attempt ended.
                        const QString marker
                            = QStringLiteral("%1/uploaded/%2").arg(store.conditionUrl(slug), c.attemptKey(c.attempt));
                        ctx.run(aws({ QStringLiteral("s3"), QStringLiteral("cp"), marker, QStringLiteral("-") }, env)
                                    .asQuery(),
                                [&ctx, i, conclude](const CommandOutcome& o) {
                                    const QStringList words
                                        = QString::fromUtf8(o.out.left(200)).simplified().split(QLatin1Char(' '));
                                    bool ok = false;
                                    const int code = words.value(1).toInt(&ok);
                                    DeploymentState::Condition& c = ctx.state.conditions[i];
                                    if (o.ok() && ok && code >= 0 && code < 256
                                        && words.value(0) == c.attemptKey(c.attempt)) {
                                        c.exitCode = code;
                                        c.phase = code == 0 ? Phase::Succeeded : Phase::Failed;
                                        c.lastRunPhase = c.phase;
                                    }
                                    conclude();
                                });
                    };
                    if (!hasData) {
                        finish();
                        return;
                    }
                    // aws s3 sync follows a symlink on its way to the folder: the data folder or the condition's
                    // folder planted as one in the project would take the files elsewhere.
                    if (const Result made = SafeFile::makePath(local, ctx.experiment.dir()); !made) {
                        fail(made.message());
                        return;
                    }
                    ctx.run(aws({ QStringLiteral("s3"), QStringLiteral("sync"),
                                  QStringLiteral("s3://%1/%2").arg(store.bucket, dataPrefix), local,
                                  QStringLiteral("--only-show-errors"), QStringLiteral("--no-progress") },
                                env),
                            [objects = *objects, local, dataPrefix, finish, fail](const CommandOutcome& o) {
                                if (!o.ok()) {
                                    fail(QStringLiteral("aws s3 sync: %1").arg(o.errorText()));
                                    return;
                                }
                                if (const QString why = verify(local, objects, dataPrefix); !why.isEmpty()) {
                                    fail(why);
                                    return;
                                }
                                finish();
                            });
                });
        });
}

void measure(const Parameters& parameters, const QString& backend, QObject* owner,
             std::function<void(const Contents&, const QString& error)> then)
{
    const std::optional<ResultsStore::Location> store = ResultsStore::of(parameters);
    if (!store) {
        then({}, QStringLiteral("no results_store is set"));
        return;
    }
    if (QStandardPaths::findExecutable(QStringLiteral("aws")).isEmpty()) {
        then({}, installHint());
        return;
    }
    withEnvironment(parameters, backend, owner, [owner, store = *store, then](const QMap<QString, QString>& env) {
        AsyncCommand::run(aws({ QStringLiteral("s3api"), QStringLiteral("list-object-versions"),
                                QStringLiteral("--bucket"), store.bucket, QStringLiteral("--prefix"),
                                store.prefix + QLatin1Char('/'), QStringLiteral("--output"), QStringLiteral("json") },
                              env)
                              .asQuery(),
                          owner, [then, store](const CommandOutcome& o) {
                              if (!o.ok()) {
                                  then({}, QStringLiteral("listing %1 failed: %2").arg(store.url(), o.errorText()));
                                  return;
                              }
                              Contents contents;
                              const QJsonObject doc = QJsonDocument::fromJson(o.out).object();
                              for (const char* kind : { "Versions", "DeleteMarkers" }) {
                                  for (const QJsonValue& v : doc.value(QLatin1String(kind)).toArray()) {
                                      const QJsonObject version = v.toObject();
                                      contents.ids << qMakePair(version.value(QStringLiteral("Key")).toString(),
                                                                version.value(QStringLiteral("VersionId")).toString());
                                      contents.bytes
                                          += static_cast<qint64>(version.value(QStringLiteral("Size")).toDouble());
                                      ++contents.versions;
                                  }
                              }
                              then(contents, QString());
                          });
    });
}

namespace {

void eraseFrom(const ResultsStore::Location& store, const QMap<QString, QString>& env, QObject* owner,
               const Contents& contents, int from, std::function<void(const Result&)> done)
{
    if (from >= contents.ids.size()) {
        done(Result::ok());
        return;
    }
    QJsonArray objects;
    for (int k = from; k < qMin(from + 1000, static_cast<int>(contents.ids.size())); ++k) {
        QJsonObject o { { QStringLiteral("Key"), contents.ids.at(k).first } };
        if (!contents.ids.at(k).second.isEmpty() && contents.ids.at(k).second != QLatin1String("null"))
            o.insert(QStringLiteral("VersionId"), contents.ids.at(k).second);
        objects.append(o);
    }
    auto file = std::make_shared<QTemporaryFile>();
    const QByteArray request
        = QJsonDocument(QJsonObject { { QStringLiteral("Objects"), objects }, { QStringLiteral("Quiet"), true } })
              .toJson();
    if (!file->open() || file->write(request) < 0 || !file->flush()) {
        done(Result::failed(QStringLiteral("cannot write the list of objects to delete: %1").arg(file->errorString())));
        return;
    }
    AsyncCommand::run(aws({ QStringLiteral("s3api"), QStringLiteral("delete-objects"), QStringLiteral("--bucket"),
                            store.bucket, QStringLiteral("--delete"), QStringLiteral("file://") + file->fileName() },
                          env),
                      owner, [store, env, owner, contents, from, done, file](const CommandOutcome& o) {
                          if (!o.ok() || o.out.contains("\"Errors\"")) {
                              done(Result::failed(
                                  QStringLiteral("deleting from %1 failed: %2")
                                      .arg(store.url(), o.ok() ? QString::fromUtf8(o.out).left(400) : o.errorText())));
                              return;
                          }
                          eraseFrom(store, env, owner, contents, from + 1000, done);
                      });
}

} // namespace

void erase(const Parameters& parameters, const QString& backend, QObject* owner, const Contents& contents,
           std::function<void(const Result&)> done)
{
    const std::optional<ResultsStore::Location> store = ResultsStore::of(parameters);
    if (!store) {
        done(Result::badInput(QStringLiteral("no results_store is set")));
        return;
    }
    withEnvironment(parameters, backend, owner,
                    [owner, store = *store, contents, done](const QMap<QString, QString>& env) {
                        eraseFrom(store, env, owner, contents, 0, done);
                    });
}

} // namespace ResultsStoreSync
