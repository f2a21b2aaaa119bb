// SPDX-License-Identifier: MIT
#include "AwsBackend.h"

#include "AppPaths.h"
#include "AsyncCommand.h"
#include "CredentialStore.h"
#include "Docker.h"
#include "Ec2Inventory.h"
#include "Settings.h"
#include "ShellWords.h"
#include "aws/AwsParameters.h"
#include "aws/AwsPrices.h"
#include "aws/AwsStore.h"
#include "aws/Terraform.h"
#include "deploy/DeployPlan.h"
#include "workspace/DeploymentIndex.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTimer>
#include <numeric>

BackendTraits AwsBackend::describe()
{
    BackendTraits t;
    t.name = QStringLiteral("aws");
    t.label = QStringLiteral("Amazon EC2 (rented machines, one per condition)");
    t.costsMoney = true;
    t.hasMachines = true;
    t.canStop = true;
    t.needsSshRange = true;
    t.supportsSpot = true;
    t.usesAwsKeys = true;
    return t;
}

MachinePrice AwsBackend::machinePriceAt(const QString& region, const QString& instanceType)
{
    static const AwsPrices prices; // the installed table, read once
    return prices.price(region, instanceType);
}

MachinePrice AwsBackend::machinePriceFor(const Parameters& parameters)
{
    const ResultOf<AwsParameters::Machine> machine = AwsParameters::resolve(parameters, Settings());
    if (!machine) {
        MachinePrice unknown; // a stored default of the wrong format: no region or type to go on
        unknown.note = machine.message();
        return unknown;
    }
    return machinePriceAt(machine->region, machine->instanceType);
}

MachinePrice AwsBackend::storagePriceFor(const Parameters& parameters)
{
    static const AwsPrices prices; // the installed table, read once
    const ResultOf<AwsParameters::Machine> machine = AwsParameters::resolve(parameters, Settings());
    if (!machine) {
        MachinePrice unknown;
        unknown.note = machine.message();
        return unknown;
    }
    MachinePrice price = prices.storage(machine->region);
    price.place = machine->region;
    return price;
}

void AwsBackend::describeMachines(DeployPlan* plan) const
{
    const AwsParameters::Machine machine
        = AwsParameters::resolve(m_context.experiment.parameters(), Settings()).valueOr(AwsParameters::Machine());
    const AwsPrices::Price price = AwsPrices().price(machine.region, machine.instanceType);
    plan->instanceType = machine.instanceType;
    plan->region = machine.region;
    plan->machineCount = machineCount(plan->conditionCount);
    plan->pricePerHour = price.perHour;
    plan->priceNote = price.note;
}

QString AwsBackend::terraformDir() const
{
    // Outside the project: Terraform runs only in a folder this user's Logistician made and wrote,
    // the index entry's (named as the entry is: after the deployed experiment, which a later edit
    // of experiment_name does not change).
    // Only a name (checked by the state rules) picking a folder of this user's index for this state folder.
    const ResultOf<DeploymentState> deployed = DeploymentState::load(m_context.stateDir, DeploymentState::Trust::Own);
    const QString name = deployed ? deployed->experiment : m_context.experiment.parameters().experimentName();
    return DeploymentIndex().terraformDir(m_context.stateDir, name);
}

QString AwsBackend::sshCidr(const DeployOptions& options) const
{
    if (!options.sshCidr.isEmpty())
        return options.sshCidr;
    const QString configured
        = m_context.experiment.parameters().json().value(QStringLiteral("aws_ssh_cidr")).toString();
    if (!configured.isEmpty())
        return configured;
    // A deploy that adds machines to a live deployment (a rerun, a retry of a preempted condition) keeps the
    // range its machines were made with: the SSH rule of the applied configuration (check() validates it).
    QFile applied(terraformDir() + QLatin1Char('/') + QLatin1String(Terraform::ConfigFileName));
    if (!applied.open(QIODevice::ReadOnly))
        return {};
    const QJsonObject groups = QJsonDocument::fromJson(applied.readAll())
                                   .object()
                                   .value(QStringLiteral("resource"))
                                   .toObject()
                                   .value(QStringLiteral("aws_security_group"))
                                   .toObject();
    for (const QJsonValue& group : groups) {
        for (const QJsonValue& rule : group.toObject().value(QStringLiteral("ingress")).toArray()) {
            if (rule.toObject().value(QStringLiteral("from_port")).toInt() == 22)
                return rule.toObject().value(QStringLiteral("cidr_blocks")).toArray().first().toString();
        }
    }
    return {};
}

MachineInventory* AwsBackend::makeInventory(QObject* parent)
{
    return new Ec2Inventory(parent);
}

int AwsBackend::slotsPerHost() const
{
    return m_context.experiment.parameters().awsMachines() > 0 ? Backend::slotsPerHost() : 1;
}

int AwsBackend::machineCount(int conditionCount) const
{
    const int wanted = m_context.experiment.parameters().awsMachines();
    return wanted > 0 ? std::min(wanted, conditionCount) : conditionCount;
}

void AwsBackend::interrupt(std::function<void()> done)
{
    // A terraform killed mid-apply could leave instances its state never learns of, and its lock held: it is
    // interrupted (SIGINT), and finishes the calls under way, saves what it made and releases the lock. Its own
    // callback reports a failure, which the stopped deploy does not show.
    QList<CommandRunner*> running;
    for (CommandRunner* runner : findChildren<CommandRunner*>(Qt::FindDirectChildrenOnly)) {
        if (runner->isRunning())
            running << runner;
    }
    if (running.isEmpty()) {
        done();
        return;
    }
    Q_EMIT progress(QStringLiteral("interrupting terraform: it saves what it made and releases its lock"));
    auto left = std::make_shared<int>(static_cast<int>(running.size()));
    for (CommandRunner* runner : std::as_const(running)) {
        connect(runner, &CommandRunner::finished, this, [left, done] {
            if (--*left == 0)
                done();
        });
        runner->interrupt();
    }
}

int AwsBackend::bootAttempts() const
{
    // Ten minutes (bootRetryMs): a new instance boots, then its bootstrap installs Docker.
    return FastBootAttempts + (10 * 60 * 1000 - FastBootAttempts * FastBootRetryMs) / BootRetryMs;
}

int AwsBackend::bootRetryMs(int attempt) const
{
    // Every half second at first: a machine that was up by the time the apply ended (an image with Docker,
    // the emulator's machines) is handed over as soon as its sshd answers, not up to 2 s later; then every
    // 2 s while one boots for minutes (each attempt is an ssh connection; refused at once, or timed out).
    return attempt <= FastBootAttempts ? FastBootRetryMs : BootRetryMs;
}

QString AwsBackend::bootstrapMark() const
{
    return Terraform::bootstrapReadyMark();
}

Result AwsBackend::check(const DeployOptions& options) const
{
    if (QStandardPaths::findExecutable(QStringLiteral("terraform")).isEmpty())
        return Result::badInput(Terraform::installHint());
    const QString cidr = sshCidr(options);
    if (cidr.isEmpty())
        return Result::badInput(QStringLiteral("the aws backend needs the address range allowed to reach the machines "
                                               "over SSH: pass --ssh-cidr ADDRESS/32 (your public address, e.g. from "
                                               "`curl https://checkip.amazonaws.com`) or set aws_ssh_cidr in %1")
                                    .arg(m_context.experiment.parametersPath()));
    const AwsParameters::Cidr range = AwsParameters::parseCidr(cidr);
    if (!range.isValid())
        return Result::badInput(QStringLiteral("%1: %2").arg(
            options.sshCidr.isEmpty() ? QStringLiteral("aws_ssh_cidr") : QStringLiteral("--ssh-cidr"), range.error));
    if (range.isWide() && !options.allowWideSsh)
        return Result::badInput(QStringLiteral("%1 lets a large part of the internet (/%2, shorter than /16) try to "
                                               "log in over SSH; use your own address/32, or pass --allow-wide-ssh "
                                               "if you mean it")
                                    .arg(cidr)
                                    .arg(range.prefix));
    if (const auto resolved = AwsParameters::resolve(m_context.experiment.parameters(), Settings()); !resolved)
        return resolved.error();
    if (!QFileInfo::exists(m_context.keyPath + QStringLiteral(".pub")))
        return Result::badInput(
            QStringLiteral("no SSH public key at %1.pub; run `logistician setup` first").arg(m_context.keyPath));
    return Backend::check(options);
}

QStringList AwsBackend::warnings(const DeployOptions& options) const
{
    const AwsParameters::Cidr range = AwsParameters::parseCidr(sshCidr(options));
    if (!range.isWide())
        return {};
    return { QStringLiteral("SSH to the machines is open to %1 (/%2): anyone in that range can try to log in")
                 .arg(range.text)
                 .arg(range.prefix) };
}

QString AwsBackend::planSummary(int conditionCount, const DeployOptions& options) const
{
    const Parameters& p = m_context.experiment.parameters();
    const AwsParameters::Machine machine = AwsParameters::resolve(p, Settings()).valueOr(AwsParameters::Machine());
    const AwsPrices::Price price = AwsPrices().price(machine.region, machine.instanceType);
    const int machines = machineCount(conditionCount);
    const QString cost = !price.known() ? QStringLiteral("unknown (%1)").arg(price.note)
                                        : QStringLiteral("about $%1 per hour for all of them ($%2 each, %3)")
                                              .arg(QString::number(price.perHour * machines, 'f', 4),
                                                   QString::number(price.perHour, 'f', 4), price.note);
    const QString spot = !machine.spot ? QString()
        : machine.spotMaxPrice.isEmpty()
        ? QStringLiteral(" Spot instances: at most the on-demand price each; AWS may take them back (preempted).")
        : QStringLiteral(" Spot instances: at most $%1 per hour each; AWS may take them back (preempted).")
              .arg(machine.spotMaxPrice);
    const QString spread = p.awsMachines() > 0
        ? QStringLiteral("launched by one EC2 Fleet request, %1 condition(s) spread over them (%2 at a time on each)")
              .arg(conditionCount)
              .arg(p.maxParallel())
        : QStringLiteral("one per condition");
    return QStringLiteral("%1 EC2 instance(s) of type %2 in %3, %8; cost %4.%7 SSH allowed only from "
                          "%5. Machines stop themselves %6.%9")
        .arg(machines)
        .arg(machine.instanceType, machine.region, cost, sshCidr(options),
             p.autoStopMinutes() > 0 ? QStringLiteral("after %1 idle minute(s)").arg(p.autoStopMinutes())
                                     : QStringLiteral("never (auto_stop_minutes is 0); run `logistician terminate`"),
             spot, spread, AwsStore::planNote(p, machine.region));
}

void AwsBackend::withCredentials(std::function<void(const QMap<QString, QString>&, const QString&)> then)
{
    auto* store = new CredentialStore(this);
    auto env = std::make_shared<QMap<QString, QString>>();
    store->read(CredentialStore::Secret::AwsAccessKeyId, [store, env, then](const CredentialStore::Reply& id) {
        if (!id.ok()) {
            store->deleteLater();
            then({},
                 QStringLiteral("no AWS access key: %1; run `logistician setup` or set AWS_ACCESS_KEY_ID and "
                                "AWS_SECRET_ACCESS_KEY")
                     .arg(id.message.isEmpty() ? QStringLiteral("not stored") : id.message));
            return;
        }
        env->insert(QStringLiteral("AWS_ACCESS_KEY_ID"), id.value);
        store->read(CredentialStore::Secret::AwsSecretAccessKey, [store, env, then](const CredentialStore::Reply& key) {
            store->deleteLater();
            if (!key.ok()) {
                then({},
                     QStringLiteral("no AWS secret access key: %1; run `logistician setup` or set "
                                    "AWS_SECRET_ACCESS_KEY")
                         .arg(key.message.isEmpty() ? QStringLiteral("not stored") : key.message));
                return;
            }
            env->insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), key.value);
            then(*env, QString());
        });
    });
}

void AwsBackend::runTerraform(const QStringList& args, const QMap<QString, QString>& env,
                              std::function<void(int, const QByteArray&, const QString&)> then)
{

    Q_EMIT progress(QStringLiteral("terraform %1").arg(args.value(0)));
    AsyncCommand::run(Terraform::command(terraformDir(), args, env), this, [then](const CommandOutcome& o) {
        then(o.exitCode, o.out, o.ok() ? QString() : Terraform::errorText(o));
    });
}

void AwsBackend::readOutputs(std::function<void(int, const QByteArray&, const QString&)> then)
{
    // The state's "outputs" is the object `terraform output -json` prints ({NAME: {value, type}}): read here,
    // it costs no terraform process (0.6 s each, after every apply). Answered from the event loop, as a
    // command's outcome would be.
    const QString path = terraformDir() + QStringLiteral("/terraform.tfstate");
    QFile file(path);
    QByteArray out;
    QString message;
    QJsonParseError error {};
    if (!file.open(QIODevice::ReadOnly)) {
        message = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
    } else if (const QJsonDocument state = QJsonDocument::fromJson(file.readAll(), &error);
               error.error != QJsonParseError::NoError || !state.object().value(QStringLiteral("outputs")).isObject()) {
        message = QStringLiteral("%1 is not a Terraform state with outputs%2")
                      .arg(path,
                           error.error != QJsonParseError::NoError
                               ? QStringLiteral(" (%1 at offset %2)").arg(error.errorString()).arg(error.offset)
                               : QString());
    } else {
        out = QJsonDocument(state.object().value(QStringLiteral("outputs")).toObject()).toJson(QJsonDocument::Compact);
    }
    QTimer::singleShot(0, this, [then, out, message] { then(message.isEmpty() ? 0 : 1, out, message); });
}

namespace {

// An instant fleet launches what EC2 has now and reports the rest as errors (no capacity, mostly); the provider
// keeps those errors to itself, so what is known is which machines got no instance: their conditions say so
// (launchProblem) and have no host. What to tell the user, one line per machine not launched (notLaunched: machine
// index -> why).
QStringList markUnlaunched(DeploymentState* state, const QList<QStringList>& machines,
                           const QMap<int, QString>& notLaunched)
{
    QStringList said;
    for (int k = 0; k < machines.size(); ++k) {
        const QString why = notLaunched.value(k);
        if (!why.isEmpty())
            said << QStringLiteral("%1; not started: %2").arg(why, machines.at(k).join(QStringLiteral(", ")));
        for (DeploymentState::Condition& c : state->conditions) {
            if (!machines.at(k).contains(c.slug))
                continue;
            c.launchProblem = why;
            if (!why.isEmpty())
                c.host.clear();
        }
    }
    return said;
}

// Why machine k (0-based) of the fleet layout's machines is not launched: the fleet that asked for it gave
// `launched` of the `asked`.
QString fleetShort(int k, int machines, int asked, int launched, const AwsParameters::Machine& machine)
{
    return QStringLiteral("machine %1 of %2 was not launched: EC2 gave the fleet %3 of the %4 %5%6 instance(s) it "
                          "asked for (no capacity for the others now); `logistician deploy` again launches it when "
                          "EC2 has room (or terminate, then another aws_instance_type or aws_region)")
        .arg(k + 1)
        .arg(machines)
        .arg(launched)
        .arg(asked)
        .arg(machine.instanceType, machine.spot ? QStringLiteral(" spot") : QString());
}

// A condition of this machine waits to be handed over (a deploy's, a retry's): the machine is needed.
bool awaited(const DeploymentState& state, const QStringList& slugs)
{
    for (const DeploymentState::Condition& c : state.conditions) {
        if (slugs.contains(c.slug) && !c.isTerminated()
            && (c.phase == DeploymentState::Phase::Queued || c.phase == DeploymentState::Phase::Provisioning))
            return true;
    }
    return false;
}

// GPUs asked for (gpus, or the original's nvidia-docker): a GPU-ready image unless aws_ami names one.
bool wantsGpu(const Parameters& p)
{
    return !Docker::gpusFor(p.remoteDockerCommand(), p.gpus()).isEmpty();
}

// The user to log in as: aws_ami_user, else the default image family's own user.
QString loginUser(const Parameters& p)
{
    if (p.awsAmi().isEmpty() && !p.json().contains(QStringLiteral("aws_ami_user")))
        return Terraform::defaultAmi(wantsGpu(p)).user;
    return p.awsAmiUser();
}

} // namespace

ResultOf<QJsonObject> AwsBackend::configuration(const DeploymentState& state, const DeployOptions& options) const
{
    const Parameters& p = m_context.experiment.parameters();
    const ResultOf<AwsParameters::Machine> resolved = AwsParameters::resolve(p, Settings());
    if (!resolved)
        return resolved.error();
    const AwsParameters::Machine& machine = *resolved;
    QFile templateFile(AppPaths::templatesDir() + QStringLiteral("/bootstrap/user-data.sh"));
    if (!templateFile.open(QIODevice::ReadOnly))
        return Result::failed(QStringLiteral("%1: cannot read the instance bootstrap").arg(templateFile.fileName()));
    QFile publicKey(m_context.keyPath + QStringLiteral(".pub"));
    if (!publicKey.open(QIODevice::ReadOnly))
        return Result::badInput(QStringLiteral("%1: cannot read the SSH public key; run `logistician setup` first")
                                    .arg(publicKey.fileName()));
    Terraform::Settings settings;
    settings.region = machine.region;
    settings.instanceType = machine.instanceType;
    settings.ami = machine.ami;
    settings.rootVolumeGb = machine.rootVolumeGb;
    settings.spot = machine.spot;
    settings.spotMaxPrice = machine.spotMaxPrice;
    settings.machines = p.awsMachines();
    settings.gpu = wantsGpu(p);
    settings.user = loginUser(p);
    settings.sshCidr = sshCidr(options);
    settings.publicKey = QString::fromUtf8(publicKey.readAll());
    const auto userData = Terraform::userData(QString::fromUtf8(templateFile.readAll()), p.experimentName(),
                                              settings.user, p.autoStopMinutes());
    if (!userData)
        return Result::badInput(QStringLiteral("%1: aws_ami_user: \"%2\" is not a user name")
                                    .arg(m_context.experiment.parametersPath(), settings.user));
    settings.userData = *userData;
    settings.instanceProfile = AwsStore::instanceProfile(p);
    settings.waves = m_waves;
    QJsonObject config = Terraform::configuration(p.experimentName(), state, settings);
    AwsStore::addMachineAccess(&config, p);
    return config;
}

Terraform::FleetMachines AwsBackend::appliedMachines(const DeploymentState& state, bool* firstLaunch) const
{
    // The fleet layout: the machines and launch waves as this deployment's configuration applied before has them,
    // so the next apply keeps them and looks up what EC2 says of each machine (launchedMachines). A new deployment
    // has none: the folder's configuration is an earlier one's, destroyed.
    const int fleetSize = m_context.experiment.parameters().awsMachines() > 0
        ? static_cast<int>(Terraform::spread(state, m_context.experiment.parameters().awsMachines()).size())
        : 0;
    QFile applied(terraformDir() + QLatin1Char('/') + QLatin1String(Terraform::ConfigFileName));
    const QJsonObject before = fleetSize > 0 && state.provisionStarted && applied.open(QIODevice::ReadOnly)
        ? QJsonDocument::fromJson(applied.readAll()).object()
        : QJsonObject();
    *firstLaunch = !before.value(QStringLiteral("resource")).toObject().contains(QStringLiteral("aws_ec2_fleet"));
    return Terraform::fleetMachines(before, fleetSize);
}

void AwsBackend::provision(DeploymentState* state, const DeployOptions& options, Done done)
{
    // The results store's bucket first (its own Terraform folder, AwsStore): the machines write into it.
    if (AwsStore::bucketPending(m_context.experiment.parameters())) {
        AwsStore::ensureBucket(
            this, m_context.experiment.parameters(), [this](auto then) { withCredentials(then); },
            [this](const QString& message) { Q_EMIT progress(message); },
            [this, state, options, done](const Result& made) {
                if (made)
                    provision(state, options, done);
                else
                    done(made);
            });
        return;
    }
    bool firstLaunch = true;
    const Terraform::FleetMachines known = appliedMachines(*state, &firstLaunch);
    m_waves = known.waves;
    if (const auto saved = saveMachines(*state, options, known.ids); !saved) {
        done(saved.error());
        return;
    }
    const QString user = loginUser(m_context.experiment.parameters());

    withCredentials([this, state, options, done, user, firstLaunch](const QMap<QString, QString>& env,
                                                                    const QString& error) {
        if (!error.isEmpty()) {
            done(Result::badInput(error));
            return;
        }
        runTerraform(
            { QStringLiteral("init"), QStringLiteral("-input=false"), QStringLiteral("-no-color") }, env,
            [this, state, options, done, env, user, firstLaunch](int code, const QByteArray&, const QString& message) {
                if (code != 0) {
                    done(Result::failed(QStringLiteral("terraform init failed: %1").arg(message)));
                    return;
                }
                state->provisionStarted = true;
                Q_EMIT progress(QStringLiteral("provisioning"));
                runTerraform(
                    { QStringLiteral("apply"), QStringLiteral("-input=false"), QStringLiteral("-auto-approve"),
                      QStringLiteral("-no-color") },
                    env,
                    [this, state, options, done, env, user, firstLaunch](int code, const QByteArray&,
                                                                         const QString& message) {
                        if (code != 0) {
                            done(Result::failed(
                                QStringLiteral("terraform apply failed: %1; `logistician terminate` removes "
                                               "what it made")
                                    .arg(message)));
                            return;
                        }
                        if (m_context.experiment.parameters().awsMachines() > 0) {
                            launchedMachines(state, options, env, user, firstLaunch, done);
                            return;
                        }
                        readOutputs([this, state, done, user](int code, const QByteArray& out, const QString& message) {
                            if (code != 0) {
                                done(Result::failed(QStringLiteral("terraform output failed: %1").arg(message)));
                                return;
                            }
                            adopt(state, out, user, done);
                        });
                    });
            });
    });
}

namespace {

// A condition that stays with its machine, lost (gone from EC2): the machine is released (gone, nothing asks it
// again), and a condition that had ended there is as its run ended, not as its machine.
void keepOnLostMachine(DeploymentState::Condition* c, DeploymentState::Host* machine)
{
    machine->phase = DeploymentState::HostPhase::Released;
    if (!machine->downAt.isValid())
        machine->downAt = QDateTime::currentDateTimeUtc();
    if ((c->phase == DeploymentState::Phase::Unreachable || c->phase == DeploymentState::Phase::Stopped)
        && DeploymentState::isTerminal(c->lastRunPhase))
        c->phase = c->lastRunPhase;
}

} // namespace

void AwsBackend::adopt(DeploymentState* state, const QByteArray& out, const QString& user, Done done,
                       const QJsonObject& configuration)
{
    const auto instances = Terraform::parseOutput(out, false, configuration);
    if (!instances) {
        done(instances.error());
        return;
    }
    // The fleet layout's machines the lookups found: one of them that is in none is lost.
    const std::optional<QSet<QString>> found
        = configuration.isEmpty() ? std::nullopt : Terraform::fleetMachinesFound(out);
    for (const Terraform::Instance& i : *instances) {
        const QString address = QStringLiteral("%1@%2%3").arg(
            user, i.address, i.port == 22 ? QString() : QStringLiteral(":%1").arg(i.port));
        DeploymentState::Host* known = i.gone ? nullptr : state->host(address);
        if (!i.gone && (!known || known->id != i.id)) {
            // A new machine, also at an address an earlier one had (a spot
            // machine made again in place of one AWS took back): nothing
            // learnt of the old one holds, and a key known for it was its.
            DeploymentState::Host host;
            host.address = address;
            host.id = i.id;
            host.upSince = QDateTime::currentDateTimeUtc(); // billed from here
            if (known) {
                // Its ssh master connection went with the old machine: a new
                // one is made, not the dead one waited on.
                if (const QString socket = ssh(*known).controlPath().valueOr(QString()); !socket.isEmpty())
                    QFile::remove(socket);
                *known = host;
            } else {
                state->hosts.append(host);
            }
            forgetHostKeys({ host });
        }
        for (DeploymentState::Condition& c : state->conditions) {
            if (c.slug != i.slug)
                continue;
            // The fleet layout: a lost machine's conditions not handed over again (an ended one's run and results
            // were there) stay with it; those queued again go to the machine in its place. A machine lost and not
            // replaced (none of its conditions waits) is itself gone: its conditions stay with it.
            DeploymentState::Host* before = state->host(c.host);
            const bool handedOver
                = c.phase == DeploymentState::Phase::Queued || c.phase == DeploymentState::Phase::Provisioning;
            const bool onLost = before && found && !found->contains(before->id);
            if (i.gone && !(before && before->id == i.id)) {
                // Just launched, and not found by the lookups that came after its launch.
                done(Result::failed(
                    QStringLiteral("terraform output: instance %1 of %2 is not found in EC2").arg(i.id, i.slug)));
                return;
            }
            if (onLost && (i.gone || !handedOver)) {
                keepOnLostMachine(&c, before);
                continue;
            }
            c.host = address;
        }
    }
    state->provisioned = true;
    done(Result::ok());
}

void AwsBackend::launchedMachines(DeploymentState* state, const DeployOptions& options,
                                  const QMap<QString, QString>& env, const QString& user, bool firstLaunch, Done done)
{
    // The fleet launched what EC2 could give: its instance ids, in its order. Each becomes a machine that runs
    // its share of the conditions, at the address the apply's lookup of the fleet's machines read.
    readOutputs([this, state, options, env, user, firstLaunch, done](int code, const QByteArray& out,
                                                                     const QString& message) {
        if (code != 0) {
            done(Result::failed(QStringLiteral("terraform output failed: %1").arg(message)));
            return;
        }
        const auto launched = Terraform::parseFleetOutput(out);
        if (!launched) {
            done(Result::failed(QStringLiteral("terraform output failed: %1").arg(launched.message())));
            return;
        }
        const int n
            = static_cast<int>(Terraform::spread(*state, m_context.experiment.parameters().awsMachines()).size());
        QFile in(terraformDir() + QLatin1Char('/') + QLatin1String(Terraform::ConfigFileName));
        const QJsonObject applied
            = in.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(in.readAll()).object() : QJsonObject();
        QStringList ids = Terraform::fleetMachines(applied, n).ids;
        if (!firstLaunch) {
            relaunchMachines(state, options, env, user, out, ids, done);
            return;
        }
        const AwsParameters::Machine machine
            = AwsParameters::resolve(m_context.experiment.parameters(), Settings()).valueOr(AwsParameters::Machine());
        QMap<int, QString> notLaunched;
        for (int k = 0; k < n; ++k) {
            if (k < launched->size())
                ids[k] = launched->at(k);
            else
                notLaunched.insert(k, fleetShort(k, n, n, static_cast<int>(launched->size()), machine));
        }
        const auto pinned = saveMachines(*state, options, ids);
        if (!pinned) {
            done(pinned.error());
            return;
        }
        // The same apply looked the machines up (their addresses): nothing more to apply.
        adoptMachines(state, user, out, *pinned, notLaunched, done);
    });
}

void AwsBackend::relaunchMachines(DeploymentState* state, const DeployOptions& options,
                                  const QMap<QString, QString>& env, const QString& user, const QByteArray& out,
                                  QStringList ids, Done done)
{
    // What EC2 says now of the machines kept before (this apply looked them up, with every wave's): one not
    // launched, or lost (in none of the lookups: terminated, or long gone), whose conditions wait to be handed
    // over is launched by a wave of its own.
    const QList<QStringList> machines = Terraform::spread(*state, m_context.experiment.parameters().awsMachines());
    const int n = static_cast<int>(machines.size());
    const QMap<int, QString> states = Terraform::machineStates(out, ids);
    QList<int> wave;
    for (int k = 0; k < n; ++k) {
        const bool lost = states.value(k + 1) == QLatin1String("gone");
        if ((!lost && !ids.at(k).isEmpty()) || !awaited(*state, machines.at(k)))
            continue;
        Q_EMIT progress(
            lost ? QStringLiteral("machine %1 of %2 was lost (EC2 says it is gone): launching one in "
                                  "its place")
                       .arg(k + 1)
                       .arg(n)
                 : QStringLiteral("machine %1 of %2 was not launched before: launching it").arg(k + 1).arg(n));
        ids[k].clear();
        wave << k + 1;
    }
    if (!wave.isEmpty()) {
        launchWave(state, options, env, user, ids, wave, done);
        return;
    }
    const auto pinned = saveMachines(*state, options, ids);
    if (!pinned) {
        done(pinned.error());
        return;
    }
    adoptMachines(state, user, out, *pinned, {}, done);
}

void AwsBackend::launchWave(DeploymentState* state, const DeployOptions& options, const QMap<QString, QString>& env,
                            const QString& user, const QStringList& ids, const QList<int>& wave, Done done)
{
    m_waves << wave;
    if (const auto saved = saveMachines(*state, options, ids); !saved) {
        done(saved.error());
        return;
    }
    runTerraform(
        { QStringLiteral("apply"), QStringLiteral("-input=false"), QStringLiteral("-auto-approve"),
          QStringLiteral("-no-color") },
        env, [this, state, options, env, user, ids, wave, done](int code, const QByteArray&, const QString& message) {
            if (code != 0) {
                waveFailed(state, options, env, user, ids, wave, message, done);
                return;
            }
            readOutputs(
                [this, state, options, user, ids, wave, done](int code, const QByteArray& out, const QString& message) {
                    if (code != 0)
                        done(Result::failed(QStringLiteral("terraform output failed: %1").arg(message)));
                    else
                        readWave(state, options, user, out, ids, wave, done);
                });
        });
}

void AwsBackend::waveFailed(DeploymentState* state, const DeployOptions& options, const QMap<QString, QString>& env,
                            const QString& user, const QStringList& ids, const QList<int>& wave, const QString& message,
                            Done done)
{
    // The wave's fleet is left out again: the next apply removes what it made, if anything, and looks the
    // machines up; its machines say why they were not launched.
    m_waves.removeLast();
    QMap<int, QString> notLaunched;
    for (const int k : wave)
        notLaunched.insert(k - 1,
                           QStringLiteral("machine %1 of %2 was not launched: terraform apply failed: %3")
                               .arg(k)
                               .arg(ids.size())
                               .arg(message));
    const auto pinned = saveMachines(*state, options, ids);
    if (!pinned) {
        done(pinned.error());
        return;
    }
    runTerraform({ QStringLiteral("apply"), QStringLiteral("-input=false"), QStringLiteral("-auto-approve"),
                   QStringLiteral("-no-color") },
                 env,
                 [this, state, env, user, notLaunched, done, pinned = *pinned](int code, const QByteArray&,
                                                                               const QString& message) {
                     if (code != 0) {
                         done(Result::failed(
                             QStringLiteral("terraform apply failed: %1; `logistician terminate` removes what it made")
                                 .arg(message)));
                         return;
                     }
                     readOutputs([this, state, user, notLaunched, done, pinned](int code, const QByteArray& out,
                                                                                const QString& message) {
                         if (code != 0)
                             done(Result::failed(QStringLiteral("terraform output failed: %1").arg(message)));
                         else
                             adoptMachines(state, user, out, pinned, notLaunched, done);
                     });
                 });
}

void AwsBackend::readWave(DeploymentState* state, const DeployOptions& options, const QString& user,
                          const QByteArray& out, QStringList ids, const QList<int>& wave, Done done)
{
    // The wave's instances, in its order, for the machines it asked for; the apply that launched them looked them
    // up too (the lookups come after every wave).
    const QStringList got = Terraform::parseWaveOutput(out, static_cast<int>(m_waves.size()) - 1);
    const AwsParameters::Machine machine
        = AwsParameters::resolve(m_context.experiment.parameters(), Settings()).valueOr(AwsParameters::Machine());
    QMap<int, QString> notLaunched;
    for (int j = 0; j < wave.size(); ++j) {
        if (j < got.size())
            ids[wave.at(j) - 1] = got.at(j);
        else
            notLaunched.insert(wave.at(j) - 1,
                               fleetShort(wave.at(j) - 1, static_cast<int>(ids.size()), static_cast<int>(wave.size()),
                                          static_cast<int>(got.size()), machine));
    }
    const auto pinned = saveMachines(*state, options, ids);
    if (!pinned) {
        done(pinned.error());
        return;
    }
    adoptMachines(state, user, out, *pinned, notLaunched, done);
}

ResultOf<QJsonObject> AwsBackend::saveMachines(const DeploymentState& state, const DeployOptions& options,
                                               const QStringList& ids)
{
    const ResultOf<QJsonObject> made = configuration(state, options);
    if (!made)
        return made.error();
    QJsonObject config = *made;
    const int machines = m_context.experiment.parameters().awsMachines();
    if (machines > 0)
        config = Terraform::withMachines(config, ids, Terraform::spread(state, machines));
    QDir().mkpath(terraformDir());
    QSaveFile file(terraformDir() + QLatin1Char('/') + QLatin1String(Terraform::ConfigFileName));
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(config).toJson()) < 0 || !file.commit())
        return Result::failed(QStringLiteral("%1: cannot save: %2").arg(file.fileName(), file.errorString()));
    return config;
}

void AwsBackend::adoptMachines(DeploymentState* state, const QString& user, const QByteArray& out,
                               const QJsonObject& pinned, const QMap<int, QString>& notLaunched, Done done)
{
    const QList<QStringList> machines = Terraform::spread(*state, m_context.experiment.parameters().awsMachines());
    for (const QString& said : markUnlaunched(state, machines, notLaunched))
        Q_EMIT progress(said);
    Q_EMIT progress(QStringLiteral("%1 machine(s) launched for %2 condition(s)")
                        .arg(machines.size() - notLaunched.size())
                        .arg(std::accumulate(machines.cbegin(), machines.cend(), 0,
                                             [](int n, const QStringList& m) { return n + int(m.size()); })));
    adopt(state, out, user, done, pinned);
}

void AwsBackend::releaseConditions(DeploymentState* state, const QList<int>& positions, Done done)
{
    const QString path = terraformDir() + QLatin1Char('/') + QLatin1String(Terraform::ConfigFileName);
    if (!state->provisionStarted || !QFileInfo::exists(path)) {
        done(Result::ok());
        return;
    }
    if (QStandardPaths::findExecutable(QStringLiteral("terraform")).isEmpty()) {
        done(Result::failed(Terraform::installHint()));
        return;
    }
    // The configuration applied last, minus these instances: applying it destroys them and changes nothing else
    // (a configuration made anew could differ, e.g. in the SSH address range given on the command line).
    QFile in(path);
    QJsonParseError parseError;
    const QJsonDocument doc
        = in.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(in.readAll(), &parseError) : QJsonDocument();
    if (!doc.isObject()) {
        done(Result::failed(QStringLiteral("%1: cannot read the Terraform configuration").arg(path)));
        return;
    }
    QStringList slugs;
    for (int i : positions)
        slugs << state->conditions.at(i).slug;
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly)
        || out.write(QJsonDocument(Terraform::withoutInstances(doc.object(), slugs)).toJson()) < 0 || !out.commit()) {
        done(Result::failed(QStringLiteral("%1: cannot save: %2").arg(path, out.errorString())));
        return;
    }
    QList<DeploymentState::Host> destroyed;
    for (int i : positions) {
        if (const DeploymentState::Host* h = state->host(state->conditions.at(i).host))
            destroyed << *h;
    }
    withCredentials([this, state, done, slugs, destroyed](const QMap<QString, QString>& env, const QString& error) {
        if (!error.isEmpty()) {
            done(Result::badInput(error));
            return;
        }
        Q_EMIT progress(QStringLiteral("destroying the machine(s) of %1").arg(slugs.join(QStringLiteral(", "))));
        runTerraform({ QStringLiteral("apply"), QStringLiteral("-input=false"), QStringLiteral("-auto-approve"),
                       QStringLiteral("-no-color") },
                     env, [this, state, done, destroyed](int code, const QByteArray&, const QString& message) {
                         if (code != 0) {
                             done(Result::failed(QStringLiteral("terraform apply failed: %1; the machine(s) may "
                                                                "still run: run terminate again")
                                                     .arg(message)));
                             return;
                         }
                         // Billed until now (SweepSummary's cost).
                         for (const DeploymentState::Host& h : destroyed) {
                             if (DeploymentState::Host* host = state->host(h.address); host && !host->downAt.isValid())
                                 host->downAt = QDateTime::currentDateTimeUtc();
                         }
                         forgetHostKeys(destroyed);
                         done(Result::ok());
                     });
    });
}

void AwsBackend::forgetHostKeys(const QList<DeploymentState::Host>& hosts)
{
    // Terraform destroyed these machines: the next one at the same address has a new host key, and
    // must not be taken for an impostor (nor wait for minutes as if it were still booting).
    for (const DeploymentState::Host& host : hosts) {
        if (const Result forgotten = ssh(host).forgetHostKeys(); !forgotten)
            Q_EMIT progress(
                QStringLiteral("could not forget the host key of %1: %2").arg(host.address, forgotten.message()));
    }
}

void AwsBackend::release(DeploymentState* state, Done done)
{
    if (!state->provisionStarted && !QFileInfo::exists(terraformDir() + QStringLiteral("/terraform.tfstate"))) {
        done(Result::ok());
        return;
    }
    if (QStandardPaths::findExecutable(QStringLiteral("terraform")).isEmpty()) {
        done(Result::failed(Terraform::installHint()));
        return;
    }
    // terraform destroy in the Terraform folder, init done.
    auto destroy = [this](DeploymentState* state, const QMap<QString, QString>& env, Done done) {
        runTerraform(
            // A deploy still applying holds the state's lock: wait for it (terminate wins), then destroy all.
            { QStringLiteral("destroy"), QStringLiteral("-input=false"), QStringLiteral("-auto-approve"),
              QStringLiteral("-lock-timeout=10m"), QStringLiteral("-no-color") },
            env, [this, state, done](int code, const QByteArray&, const QString& message) {
                if (code != 0) {
                    done(Result::failed(QStringLiteral("terraform destroy failed: %1; run `logistician terminate` "
                                                       "again, or `terraform destroy` in %2")
                                            .arg(message, terraformDir())));
                    return;
                }
                state->provisioned = false;
                state->provisionStarted = false;
                for (DeploymentState::Host& host : state->hosts) {
                    if (host.upSince.isValid() && !host.downAt.isValid())
                        host.downAt = QDateTime::currentDateTimeUtc(); // billed until now
                }
                forgetHostKeys(state->hosts);
                done(Result::ok());
            });
    };
    withCredentials([this, state, done, destroy](const QMap<QString, QString>& env, const QString& error) {
        if (!error.isEmpty()) {
            done(Result::badInput(error));
            return;
        }
        // Put back from the index's copy (DeploymentIndex::restore): the providers are fetched again first.
        if (!QFileInfo::exists(terraformDir() + QStringLiteral("/.terraform"))) {
            runTerraform({ QStringLiteral("init"), QStringLiteral("-input=false"), QStringLiteral("-no-color") }, env,
                         [state, done, env, destroy](int code, const QByteArray&, const QString& message) {
                             if (code != 0) {
                                 done(Result::failed(QStringLiteral("terraform init failed: %1").arg(message)));
                                 return;
                             }
                             destroy(state, env, done);
                         });
            return;
        }
        destroy(state, env, done);
    });
}
