// SPDX-License-Identifier: MIT
#include "AwsStore.h"

#include "AsyncCommand.h"
#include "Parameters.h"
#include "Settings.h"
#include "aws/AwsParameters.h"
#include "aws/AwsPrices.h"
#include "aws/Terraform.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSet>

namespace AwsStore {

namespace {

constexpr const char* ProfileExpression = "aws_iam_instance_profile.results_store.name";
constexpr const char* StoreConfigFile = "store.tf.json";

QString ref(const QString& expression)
{
    return QStringLiteral("${%1}").arg(expression);
}

} // namespace

QString storeDir(const QString& bucket)
{
    return ResultsStore::userDir() + QLatin1Char('/') + bucket;
}

QJsonObject bucketConfiguration(const QString& region, const ResultsStore::Location& store)
{
    const QString bucket = ref(QStringLiteral("aws_s3_bucket.store.id"));
    const QJsonObject resource {
        { QStringLiteral("aws_s3_bucket"),
          QJsonObject { { QStringLiteral("store"),
                          QJsonObject { { QStringLiteral("bucket"), store.bucket },
                                        // A destroy of this folder (never run by Logistician) would stop at
                                        // the first object.
                                        { QStringLiteral("force_destroy"), false },
                                        { QStringLiteral("tags"),
                                          QJsonObject { { QStringLiteral("managed_by"),
                                                          QStringLiteral("logistician") } } } } } } },
        { QStringLiteral("aws_s3_bucket_ownership_controls"),
          QJsonObject {
              { QStringLiteral("store"),
                QJsonObject { { QStringLiteral("bucket"), bucket },
                              { QStringLiteral("rule"),
                                QJsonArray { QJsonObject { { QStringLiteral("object_ownership"),
                                                             QStringLiteral("BucketOwnerEnforced") } } } } } } } },
        { QStringLiteral("aws_s3_bucket_public_access_block"),
          QJsonObject { { QStringLiteral("store"),
                          QJsonObject { { QStringLiteral("bucket"), bucket },
                                        { QStringLiteral("block_public_acls"), true },
                                        { QStringLiteral("block_public_policy"), true },
                                        { QStringLiteral("ignore_public_acls"), true },
                                        { QStringLiteral("restrict_public_buckets"), true } } } } },
        { QStringLiteral("aws_s3_bucket_server_side_encryption_configuration"),
          QJsonObject {
              { QStringLiteral("store"),
                QJsonObject { { QStringLiteral("bucket"), bucket },
                              { QStringLiteral("rule"),
                                QJsonArray { QJsonObject {
                                    { QStringLiteral("apply_server_side_encryption_by_default"),
                                      QJsonArray { QJsonObject { { QStringLiteral("sse_algorithm"),
                                                                   QStringLiteral("AES256") } } } } } } } } } } },
        { QStringLiteral("aws_s3_bucket_versioning"),
          QJsonObject { { QStringLiteral("store"),
                          QJsonObject { { QStringLiteral("bucket"), bucket },
                                        { QStringLiteral("versioning_configuration"),
                                          QJsonArray { QJsonObject {
                                              { QStringLiteral("status"), QStringLiteral("Enabled") } } } } } } } },
    };
    return Terraform::configurationRoot(region, resource);
}

QString machinePolicy(const ResultsStore::Location& store)
{
    const QString objects = QStringLiteral("arn:aws:s3:::%1/%2/*").arg(store.bucket, store.prefix);
    const QJsonObject policy {
        { QStringLiteral("Version"), QStringLiteral("2012-10-17") },
        { QStringLiteral("Statement"),
          QJsonArray {
              QJsonObject { { QStringLiteral("Sid"), QStringLiteral("WriteUnderThePrefix") },
                            { QStringLiteral("Effect"), QStringLiteral("Allow") },
                            { QStringLiteral("Action"),
                              QJsonArray { QStringLiteral("s3:PutObject"), QStringLiteral("s3:AbortMultipartUpload"),
                                           QStringLiteral("s3:ListMultipartUploadParts") } },
                            { QStringLiteral("Resource"), objects } },
              // aws s3 sync lists what is there to send only what changed: listing, under the prefix only.
              QJsonObject {
                  { QStringLiteral("Sid"), QStringLiteral("ListUnderThePrefix") },
                  { QStringLiteral("Effect"), QStringLiteral("Allow") },
                  { QStringLiteral("Action"), QStringLiteral("s3:ListBucket") },
                  { QStringLiteral("Resource"), QStringLiteral("arn:aws:s3:::%1").arg(store.bucket) },
                  { QStringLiteral("Condition"),
                    QJsonObject { { QStringLiteral("StringLike"),
                                    QJsonObject { { QStringLiteral("s3:prefix"),
                                                    QJsonArray { store.prefix + QStringLiteral("/*"),
                                                                 store.prefix + QLatin1Char('/') } } } } } } },
          } },
    };
    return QString::fromUtf8(QJsonDocument(policy).toJson(QJsonDocument::Compact));
}

QString instanceProfile(const Parameters& parameters)
{
    return ResultsStore::of(parameters) ? ref(QLatin1String(ProfileExpression)) : QString();
}

QString addMachineAccess(QJsonObject* configuration, const Parameters& parameters)
{
    const std::optional<ResultsStore::Location> store = ResultsStore::of(parameters);
    if (!store)
        return {};
    const QString prefix
        = QStringLiteral("logistician-") + parameters.experimentName().toLower().left(20) + QLatin1Char('-');
    const QJsonObject assume {
        { QStringLiteral("Version"), QStringLiteral("2012-10-17") },
        { QStringLiteral("Statement"),
          QJsonArray {
              QJsonObject { { QStringLiteral("Effect"), QStringLiteral("Allow") },
                            { QStringLiteral("Principal"),
                              QJsonObject { { QStringLiteral("Service"), QStringLiteral("ec2.amazonaws.com") } } },
                            { QStringLiteral("Action"), QStringLiteral("sts:AssumeRole") } } } },
    };
    QJsonObject resource = configuration->value(QStringLiteral("resource")).toObject();
    // The policy texts are JSON with no "${" or "%{" in them (the names are checked at load): Terraform reads
    // them as they are.
    resource.insert(
        QStringLiteral("aws_iam_role"),
        QJsonObject {
            { QStringLiteral("results_store"),
              QJsonObject { { QStringLiteral("name_prefix"), prefix },
                            { QStringLiteral("description"),
                              QStringLiteral("Logistician: the machines write their results to %1").arg(store->url()) },
                            { QStringLiteral("assume_role_policy"),
                              QString::fromUtf8(QJsonDocument(assume).toJson(QJsonDocument::Compact)) } } } });
    resource.insert(
        QStringLiteral("aws_iam_role_policy"),
        QJsonObject { { QStringLiteral("results_store"),
                        QJsonObject { { QStringLiteral("name"), QStringLiteral("results-store") },
                                      { QStringLiteral("role"), ref(QStringLiteral("aws_iam_role.results_store.id")) },
                                      { QStringLiteral("policy"), machinePolicy(*store) } } } });
    resource.insert(QStringLiteral("aws_iam_instance_profile"),
                    QJsonObject { { QStringLiteral("results_store"),
                                    QJsonObject { { QStringLiteral("name_prefix"), prefix },
                                                  { QStringLiteral("role"),
                                                    ref(QStringLiteral("aws_iam_role.results_store.name")) } } } });
    configuration->insert(QStringLiteral("resource"), resource);
    return ref(QLatin1String(ProfileExpression));
}

QString planNote(const Parameters& parameters, const QString& region)
{
    const std::optional<ResultsStore::Location> store = ResultsStore::of(parameters);
    if (!store)
        return {};
    const AwsPrices::Price price = AwsPrices().storage(region);
    const QString cost = price.known()
        ? QStringLiteral("about $%1 per GiB-month stored (%2)").arg(QString::number(price.perHour, 'f', 4), price.note)
        : QStringLiteral("storage price unknown (%1)").arg(price.note);
    return QStringLiteral(" Results go to %1/ as each condition ends: %2, kept after terminate until `terminate "
                          "--delete-store`; a machine whose results are all there is terminated, not stopped, when "
                          "it stops itself.")
        .arg(store->url(), cost);
}

namespace {
QSet<QString>& madeHere()
{
    static QSet<QString> made;
    return made;
}
} // namespace

bool bucketPending(const Parameters& parameters)
{
    const std::optional<ResultsStore::Location> store = ResultsStore::of(parameters);
    return store && ResultsStore::createsBucket(parameters) && !madeHere().contains(store->bucket);
}

void ensureBucket(QObject* owner, const Parameters& parameters, std::function<void(Credentials)> credentials,
                  std::function<void(const QString&)> progress, std::function<void(const Result&)> done)
{
    const std::optional<ResultsStore::Location> store = ResultsStore::of(parameters);
    if (!store || !ResultsStore::createsBucket(parameters)) {
        done(Result::ok());
        return;
    }
    const ResultOf<AwsParameters::Machine> machine = AwsParameters::resolve(parameters, Settings());
    if (!machine) {
        done(machine.error());
        return;
    }
    const QString dir = storeDir(store->bucket);
    QDir().mkpath(dir);
    QSaveFile file(dir + QLatin1Char('/') + QLatin1String(StoreConfigFile));
    if (!file.open(QIODevice::WriteOnly)
        || file.write(QJsonDocument(bucketConfiguration(machine->region, *store)).toJson()) < 0 || !file.commit()) {
        done(Result::failed(QStringLiteral("%1: cannot save: %2").arg(file.fileName(), file.errorString())));
        return;
    }
    credentials([owner, dir, progress, done, bucket = store->bucket](const QMap<QString, QString>& env,
                                                                     const QString& error) {
        if (!error.isEmpty()) {
            done(Result::badInput(error));
            return;
        }
        progress(QStringLiteral("terraform init (the results store, %1)").arg(bucket));
        AsyncCommand::run(
            Terraform::command(
                dir, { QStringLiteral("init"), QStringLiteral("-input=false"), QStringLiteral("-no-color") }, env),
            owner, [owner, dir, env, progress, done, bucket](const CommandOutcome& o) {
                if (!o.ok()) {
                    done(Result::failed(
                        QStringLiteral("terraform init failed (the results store): %1").arg(Terraform::errorText(o))));
                    return;
                }
                progress(QStringLiteral("terraform apply (the results store, %1)").arg(bucket));
                AsyncCommand::run(
                    Terraform::command(dir,
                                       { QStringLiteral("apply"), QStringLiteral("-input=false"),
                                         QStringLiteral("-auto-approve"), QStringLiteral("-lock-timeout=5m"),
                                         QStringLiteral("-no-color") },
                                       env),
                    owner, [done, bucket, dir](const CommandOutcome& o) {
                        if (!o.ok()) {
                            done(Result::failed(
                                QStringLiteral("making the results store's bucket %1 failed: %2 (a bucket of yours "
                                               "that exists already: set results_store_create to false; "
                                               "Terraform's folder: %3)")
                                    .arg(bucket, Terraform::errorText(o), dir)));
                            return;
                        }
                        madeHere().insert(bucket);
                        done(Result::ok());
                    });
            });
    });
}

} // namespace AwsStore
