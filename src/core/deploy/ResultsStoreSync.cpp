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
#include <QTemporaryDir>
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

// Whether the file at path is a regular file (never a link) of the object's size and, when the ETag is the
// object's MD5 (not uploaded in parts, not encrypted with KMS), of its MD5; empty when it is, else why not.
QString mismatch(const QString& path, const ResultsStore::Object& o)
{
    static const QRegularExpression md5(QStringLiteral("^[0-9a-f]{32}$"));
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
    return {};
}

// The first folder or file on the way to a listed data file (local itself, or below it) that is a symbolic
// link; empty if none. Keys are relative to dataPrefix.
QString linkOnTheWay(const QString& local, const QList<ResultsStore::Object>& objects, const QString& dataPrefix)
{
    if (!objects.isEmpty() && QFileInfo(local).isSymLink())
        return local;
    QSet<QString> checked;
    for (const ResultsStore::Object& o : objects) {
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

// Why one of a condition's objects must not be written (empty when none): a name that would land outside its
// folder, or a link on the way in its folder here.
QString refusal(const QList<ResultsStore::Object>& objects, const QString& own, const QString& local)
{
    // Every name checked before anything is written: aws s3 sync would write it where it points.
    for (const ResultsStore::Object& o : objects) {
        if (const QString why = ResultsStore::keyProblem(o.key.mid(own.size())); !why.isEmpty())
            return QStringLiteral("refused: the store holds \"%1\", whose name has %2; nothing of it was "
                                  "downloaded")
                .arg(PrintableText::clean(o.key), why);
    }
    // A link already in the folder (an earlier sync over ssh copies links as links) would take a file written
    // through it elsewhere.
    if (const QString link = linkOnTheWay(local, objects, own); !link.isEmpty())
        return QStringLiteral("refused: %1 is a symbolic link; nothing was downloaded").arg(link);
    return {};
}

using Phase = DeploymentState::Phase;

bool silent(const DeploymentState::Condition& c)
{
    return c.phase == Phase::Unreachable || c.phase == Phase::Stopped || c.phase == Phase::Preempted;
}

} // namespace

int exitCodeOf(const QByteArray& marker, const QString& attemptKey)
{
    const QStringList words = QString::fromUtf8(marker.left(200)).simplified().split(QLatin1Char(' '));
    bool ok = false;
    const int code = words.value(1).toInt(&ok);
    return ok && code >= 0 && code < 256 && words.value(0) == attemptKey ? code : -1;
}

QSet<QString> uploadedMarkers(const ResultsStore::Location& store, const QList<ResultsStore::Object>& objects)
{
    QSet<QString> markers;
    for (const ResultsStore::Object& o : objects) {
        if (o.key.startsWith(store.markerPrefix()))
            markers.insert(o.key.mid(store.markerPrefix().size()));
    }
    return markers;
}

QList<ConditionPlan> plan(const DeploymentState& state, const QList<int>& positions,
                          const ResultsStore::Location& store, const QList<ResultsStore::Object>& objects,
                          const QString& dataDir)
{
    // The listing, by condition: its data objects and its markers.
    QMap<QString, QList<ResultsStore::Object>> data;
    const QString dataPrefix = store.dataPrefix();
    for (const ResultsStore::Object& o : objects) {
        if (o.key.startsWith(dataPrefix))
            data[o.key.mid(dataPrefix.size()).section(QLatin1Char('/'), 0, 0)] << o;
    }
    const QSet<QString> markers = uploadedMarkers(store, objects);
    QList<ConditionPlan> plans;
    for (int i : positions) {
        const DeploymentState::Condition& c = state.conditions.at(i);
        ConditionPlan p;
        p.position = i;
        p.objects = data.value(c.slug);
        p.uploaded = markers.contains(c.slug + QLatin1Char('/') + c.attemptKey(c.attempt));
        const QString own = dataPrefix + c.slug + QLatin1Char('/');
        const QString local = dataDir + QLatin1Char('/') + c.slug;
        p.refused = refusal(p.objects, own, local);
        // Only what changed: a file missing here, or of another size or MD5 than its object.
        for (const ResultsStore::Object& o : std::as_const(p.objects)) {
            if (p.refused.isEmpty() && !p.changed)
                p.changed = !mismatch(local + QLatin1Char('/') + o.key.mid(own.size()), o).isEmpty();
        }
        plans << p;
    }
    return plans;
}

namespace {

// One sync from the store, in named steps: list the prefix once, plan each condition (names and links checked,
// what changed), one transfer of the conditions that changed, each checked file by file, one copy of the
// markers it needs, then each concluded. It deletes itself when done.
class StoreSync
{
public:
    StoreSync(DeployContext& ctx, const ResultsStore::Location& store, const QList<int>& positions,
              const SyncOptions& options, std::shared_ptr<SyncOperation::Tally> tally, std::function<void()> done)
        : m_ctx(ctx)
        , m_store(store)
        , m_positions(positions)
        , m_saveEach(options.saveEach)
        , m_tally(std::move(tally))
        , m_done(std::move(done))
        , m_started(QDateTime::currentDateTimeUtc())
    {
    }

    void start(const QMap<QString, QString>& env)
    {
        m_env = env;
        Q_EMIT m_ctx.progress(
            QStringLiteral("syncing %1 condition(s) from %2/").arg(m_positions.size()).arg(m_store.url()));
        m_ctx.run(aws({ QStringLiteral("s3api"), QStringLiteral("list-objects-v2"), QStringLiteral("--bucket"),
                        m_store.bucket, QStringLiteral("--prefix"), m_store.prefix + QLatin1Char('/'),
                        QStringLiteral("--output"), QStringLiteral("json") },
                      m_env)
                      .asQuery(),
                  [this](const CommandOutcome& o) { listed(o); });
    }

private:
    const DeploymentState::Condition& condition(int i) const { return m_ctx.state.conditions.at(i); }

    void fail(ConditionPlan& p, const QString& why)
    {
        m_tally->failures << QStringLiteral("%1: %2").arg(condition(p.position).slug, why);
        p.refused = why;
    }

    void failAll(const QString& why)
    {
        for (int i : std::as_const(m_positions))
            m_tally->failures << QStringLiteral("%1: %2").arg(condition(i).slug, why);
        finish();
    }

    void finish()
    {
        m_done();
        delete this;
    }

    // The listing of the whole prefix: each condition's plan from it, then one transfer of those that changed.
    void listed(const CommandOutcome& o)
    {
        if (!o.ok()) {
            failAll(QStringLiteral("listing %1/ failed: %2").arg(m_store.url(), o.errorText()));
            return;
        }
        const auto objects = ResultsStore::parseListing(o.out);
        if (!objects) {
            failAll(objects.message());
            return;
        }
        m_plans = plan(m_ctx.state, m_positions, m_store, *objects, m_ctx.experiment.dataDir());
        QStringList includes;
        for (ConditionPlan& p : m_plans) {
            m_ctx.state.conditions[p.position].storeBytes = ResultsStore::bytesOf(p.objects); // its storage's cost
            if (!p.refused.isEmpty())
                m_tally->failures << QStringLiteral("%1: %2").arg(condition(p.position).slug, p.refused);
            else if (p.changed && prepare(p))
                includes << QStringLiteral("--include") << condition(p.position).slug + QStringLiteral("/*");
        }
        if (includes.isEmpty())
            readMarkers();
        else
            transfer(includes);
    }

    // aws s3 sync follows a symlink on its way to the folder: data/ or the condition's folder planted as one
    // in the project would take the files elsewhere.
    bool prepare(ConditionPlan& p)
    {
        const Result made = SafeFile::makePath(m_ctx.localDataDir(condition(p.position), 1), m_ctx.experiment.dir());
        if (!made)
            fail(p, made.message());
        return made.isOk();
    }

    // One aws s3 sync of PREFIX/data/ into data/, of the conditions that changed (and of them only what changed:
    // a sync cut short fetches the rest next time), then each of them checked file by file.
    void transfer(const QStringList& includes)
    {
        Q_EMIT m_ctx.progress(
            QStringLiteral("fetching %1 condition(s) from %2/data/").arg(includes.size() / 2).arg(m_store.url()));
        const QStringList args { QStringLiteral("s3"), QStringLiteral("sync"),
                                 QStringLiteral("s3://%1/%2").arg(m_store.bucket, m_store.dataPrefix()),
                                 m_ctx.experiment.dataDir(), QStringLiteral("--only-show-errors"),
                                 QStringLiteral("--no-progress"),
                                 // A file of the same size but another time here (changed here: the plan saw
                                 // its MD5 differ) is fetched too; the fetched ones get the object's time.
                                 QStringLiteral("--exact-timestamps"), QStringLiteral("--exclude"),
                                 QStringLiteral("*") };
        m_ctx.run(aws(args + includes, m_env), [this](const CommandOutcome& o) {
            for (ConditionPlan& p : m_plans) {
                if (p.refused.isEmpty() && p.changed)
                    verify(p, o);
            }
            readMarkers();
        });
    }

    // Each of its files against its object; a transfer that failed is named only for the conditions it left
    // incomplete.
    void verify(ConditionPlan& p, const CommandOutcome& transfer)
    {
        const QString own = m_store.dataPrefix() + condition(p.position).slug + QLatin1Char('/');
        const QString local = m_ctx.localDataDir(condition(p.position), 1);
        for (const ResultsStore::Object& o : std::as_const(p.objects)) {
            if (const QString why = mismatch(local + QLatin1Char('/') + o.key.mid(own.size()), o); !why.isEmpty()) {
                fail(p, transfer.ok() ? why : QStringLiteral("aws s3 sync: %1 (%2)").arg(transfer.errorText(), why));
                return;
            }
        }
    }

    // The markers of the attempts whose end no status round saw (their machine went first): one copy of them
    // into a folder of this sync's own, then each condition concluded.
    void readMarkers()
    {
        QStringList includes;
        for (const ConditionPlan& p : std::as_const(m_plans)) {
            const DeploymentState::Condition& c = condition(p.position);
            if (p.refused.isEmpty() && p.uploaded && silent(c) && !DeploymentState::isTerminal(c.lastRunPhase))
                includes << QStringLiteral("--include") << c.slug + QLatin1Char('/') + c.attemptKey(c.attempt);
        }
        if (includes.isEmpty() || !m_markers.isValid()) {
            concludeAll();
            return;
        }
        const QStringList args { QStringLiteral("s3"),
                                 QStringLiteral("cp"),
                                 QStringLiteral("--recursive"),
                                 QStringLiteral("s3://%1/%2").arg(m_store.bucket, m_store.markerPrefix()),
                                 m_markers.path(),
                                 QStringLiteral("--only-show-errors"),
                                 QStringLiteral("--exclude"),
                                 QStringLiteral("*") };
        m_ctx.run(aws(args + includes, m_env).asQuery(), [this](const CommandOutcome&) { concludeAll(); });
    }

    void concludeAll()
    {
        for (const ConditionPlan& p : std::as_const(m_plans)) {
            if (p.refused.isEmpty())
                conclude(p);
        }
        if (m_saveEach)
            m_ctx.save();
        finish();
    }

    // Synced when its current attempt's upload finished and it had finished; still running on a machine that
    // answers, what its logs' uploads brought is here (synced once its attempt ends and is uploaded).
    void conclude(const ConditionPlan& p)
    {
        DeploymentState::Condition& c = m_ctx.state.conditions[p.position];
        c.uploadedKey = p.uploaded ? c.attemptKey(c.attempt) : QString();
        if (!p.uploaded && (c.isFinished() || silent(c))) {
            m_tally->failures << QStringLiteral("%1: its upload to the results store has not finished (%2 is not "
                                                "marked uploaded)")
                                     .arg(c.slug, c.attemptKey(c.attempt));
            return;
        }
        if (p.uploaded && silent(c))
            learnTheEnd(c);
        if (c.isFinished()) {
            c.syncedAt = m_started;
            Q_EMIT m_ctx.conditionChanged(p.position);
        }
        ++m_tally->count;
    }

    // Its machine went silent (ended itself after the upload, taken back, lost, stopped): when its run had been
    // seen to end, it is what it was last seen as; else the marker says how the attempt ended.
    void learnTheEnd(DeploymentState::Condition& c) const
    {
        if (DeploymentState::isTerminal(c.lastRunPhase)) {
            c.phase = c.lastRunPhase;
            return;
        }
        const QString key = c.attemptKey(c.attempt);
        QFile marker(m_markers.path() + QLatin1Char('/') + c.slug + QLatin1Char('/') + key);
        const int code = marker.open(QIODevice::ReadOnly) ? exitCodeOf(marker.read(200), key) : -1;
        if (code >= 0) {
            c.exitCode = code;
            c.phase = code == 0 ? Phase::Succeeded : Phase::Failed;
            c.lastRunPhase = c.phase;
        }
    }

    DeployContext& m_ctx;
    const ResultsStore::Location m_store;
    const QList<int> m_positions;
    const bool m_saveEach;
    std::shared_ptr<SyncOperation::Tally> m_tally;
    std::function<void()> m_done;
    const QDateTime m_started;
    QMap<QString, QString> m_env;
    QList<ConditionPlan> m_plans;
    QTemporaryDir m_markers;
};

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

void syncAll(DeployContext& ctx, const QList<int>& positions, const SyncOptions& options,
             std::shared_ptr<SyncOperation::Tally> tally, std::function<void()> done)
{
    const std::optional<ResultsStore::Location> store = ResultsStore::of(ctx.experiment.parameters());
    QString missing;
    if (!store)
        missing = QStringLiteral("no results store");
    else if (QStandardPaths::findExecutable(QStringLiteral("aws")).isEmpty())
        missing = installHint();
    if (positions.isEmpty() || !missing.isEmpty()) {
        for (int i : positions)
            tally->failures << QStringLiteral("%1: %2").arg(ctx.state.conditions.at(i).slug, missing);
        done();
        return;
    }
    ctx.state.resultsStore = store->url();
    auto* sync = new StoreSync(ctx, *store, positions, options, std::move(tally), std::move(done));
    withEnvironment(ctx.experiment.parameters(), ctx.state.backend, ctx.work ? ctx.work : &ctx,
                    [sync](const QMap<QString, QString>& env) { sync->start(env); });
}

void readUploads(DeployContext& ctx, std::function<void()> then)
{
    const std::optional<ResultsStore::Location> store = ResultsStore::of(ctx.experiment.parameters());
    ctx.state.resultsStore = applies(ctx) ? store->url() : QString();
    bool wanted = false;
    for (const DeploymentState::Condition& c : std::as_const(ctx.state.conditions))
        wanted = wanted || (c.uploadedKey != c.attemptKey(c.attempt) && !ctx.state.uploadState(c).isEmpty());
    if (!wanted || QStandardPaths::findExecutable(QStringLiteral("aws")).isEmpty()) {
        then();
        return;
    }
    withEnvironment(ctx.experiment.parameters(), ctx.state.backend, ctx.work ? ctx.work : &ctx,
                    [&ctx, store = *store, then](const QMap<QString, QString>& env) {
                        ctx.run(aws({ QStringLiteral("s3api"), QStringLiteral("list-objects-v2"),
                                      QStringLiteral("--bucket"), store.bucket, QStringLiteral("--prefix"),
                                      store.markerPrefix(), QStringLiteral("--output"), QStringLiteral("json") },
                                    env)
                                    .asQuery(),
                                [&ctx, store, then](const CommandOutcome& o) {
                                    const auto objects = o.ok()
                                        ? ResultsStore::parseListing(o.out)
                                        : ResultOf<QList<ResultsStore::Object>>(Result::failed(o.errorText()));
                                    if (objects)
                                        markUploaded(&ctx.state, uploadedMarkers(store, *objects));
                                    else
                                        Q_EMIT ctx.progress(QStringLiteral("cannot read the upload markers in %1/: %2")
                                                                .arg(store.url(), objects.message()));
                                    then();
                                });
                    });
}

QList<int> markUploaded(DeploymentState* state, const QSet<QString>& markers)
{
    QList<int> changed;
    for (int i = 0; i < state->conditions.size(); ++i) {
        DeploymentState::Condition& c = state->conditions[i];
        const QString key = c.attemptKey(c.attempt);
        if (c.uploadedKey != key && markers.contains(c.slug + QLatin1Char('/') + key)) {
            c.uploadedKey = key;
            changed << i;
        }
    }
    return changed;
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
