// SPDX-License-Identifier: MIT
#include "DeploymentState.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

namespace {

const char* const phaseNames[] = { "queued",    "provisioning", "booting",     "uploading", "building",   "running",
                                   "succeeded", "failed",       "unreachable", "stopped",   "terminated", "preempted" };
// In the order of DeploymentState::HostPhase.
const char* const hostPhaseNames[] = { "", "booting", "building", "ready", "unreachable", "released" };

QString isoTime(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

QDateTime fromIso(const QJsonValue& v)
{
    return v.toString().isEmpty() ? QDateTime() : QDateTime::fromString(v.toString(), Qt::ISODate);
}

} // namespace

QString DeploymentState::Host::user() const
{
    const int at = address.indexOf(QLatin1Char('@'));
    return at < 0 ? QString() : address.left(at);
}

QString DeploymentState::Host::hostName() const
{
    QString rest = address.mid(address.indexOf(QLatin1Char('@')) + 1);
    const int colon = rest.lastIndexOf(QLatin1Char(':'));
    return colon < 0 ? rest : rest.left(colon);
}

int DeploymentState::Host::port() const
{
    const QString rest = address.mid(address.indexOf(QLatin1Char('@')) + 1);
    const int colon = rest.lastIndexOf(QLatin1Char(':'));
    return colon < 0 ? 22 : rest.mid(colon + 1).toInt();
}

bool DeploymentState::Condition::resultsSafe() const
{
    return isFinished() && syncedAt.isValid();
}

QString DeploymentState::uploadState(const Condition& c) const
{
    const bool silent = c.phase == Phase::Unreachable || c.phase == Phase::Stopped || c.phase == Phase::Preempted;
    const bool ended = c.isFinished() || (silent && isTerminal(c.lastRunPhase));
    if (resultsStore.isEmpty() || !ended || c.resultsSafe() || c.isTerminated())
        return {};
    return c.isUploaded() ? QStringLiteral("uploaded") : QStringLiteral("upload not finished");
}

void DeploymentState::Condition::queueAgain()
{
    phase = Phase::Queued;
    lastRunPhase = Phase::Queued;
    exitCode = -1;
    startedAt = QDateTime();
    finishedAt = QDateTime();
    syncedAt = QDateTime();
    job.clear();
    schedulerState.clear();
    schedulerReason.clear();
    launchProblem.clear();
    uploadedKey.clear();
}

void DeploymentState::Condition::markTerminated()
{
    const bool before = isTerminated();
    terminated = true;
    if (before)
        return;
    if (isFinished())
        return;
    const bool endedBefore = lastRunPhase == Phase::Succeeded || lastRunPhase == Phase::Failed;
    if ((phase == Phase::Unreachable || phase == Phase::Stopped) && endedBefore) {
        phase = lastRunPhase;
        return;
    }
    lastRunPhase = phase;
    phase = Phase::Terminated;
}

QString DeploymentState::Condition::attemptKey(int n) const
{
    // Slugs are "c<index>" or "c<index>-...": no other condition's key can look like this one's.
    return n <= 1 ? slug : QStringLiteral("%1-a%2").arg(slug).arg(n);
}

QString DeploymentState::Condition::attemptFolder(int n)
{
    return n <= 1 ? QString() : QStringLiteral("attempt-%1").arg(n);
}

QString DeploymentState::Condition::logsFolder(int n)
{
    return n <= 1 ? QStringLiteral("logs") : attemptFolder(n) + QStringLiteral("/logs");
}

QString DeploymentState::containerName(const Condition& condition, int attempt) const
{
    return QStringLiteral("logistician-%1-%2")
        .arg(experiment.toLower(), condition.attemptKey(attempt > 0 ? attempt : condition.attempt));
}

QString DeploymentState::phaseName(Phase phase)
{
    return QLatin1String(phaseNames[static_cast<int>(phase)]);
}

DeploymentState::Phase DeploymentState::phaseFromName(const QString& name)
{
    for (int i = 0; i < static_cast<int>(std::size(phaseNames)); ++i) {
        if (name == QLatin1String(phaseNames[i]))
            return static_cast<Phase>(i);
    }
    return Phase::Queued;
}

QString DeploymentState::hostPhaseName(HostPhase phase)
{
    static_assert(std::size(hostPhaseNames) == static_cast<size_t>(HostPhase::Released) + 1);
    return QLatin1String(hostPhaseNames[static_cast<int>(phase)]);
}

DeploymentState::HostPhase DeploymentState::hostPhaseFromName(const QString& name)
{
    for (int i = 0; i < static_cast<int>(std::size(hostPhaseNames)); ++i) {
        if (name == QLatin1String(hostPhaseNames[i]))
            return static_cast<HostPhase>(i);
    }
    return HostPhase::New;
}

bool DeploymentState::isTerminal(Phase phase)
{
    return phase == Phase::Succeeded || phase == Phase::Failed || phase == Phase::Terminated;
}

QString DeploymentState::slugFor(int index, const QString& condition)
{
    QString tail;
    for (const QChar c : condition.toLower()) {
        const bool keep = (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('.');
        if (keep)
            tail += c;
        else if (!tail.isEmpty() && !tail.endsWith(QLatin1Char('-')))
            tail += QLatin1Char('-');
    }
    while (tail.endsWith(QLatin1Char('-')) || tail.endsWith(QLatin1Char('.')))
        tail.chop(1);
    QString slug = QStringLiteral("c%1").arg(index);
    if (!tail.isEmpty())
        slug += QLatin1Char('-') + tail;
    slug.truncate(48);
    while (slug.endsWith(QLatin1Char('-')) || slug.endsWith(QLatin1Char('.')))
        slug.chop(1);
    return slug;
}

DeploymentState::Host* DeploymentState::host(const QString& address)
{
    for (Host& h : hosts) {
        if (h.address == address)
            return &h;
    }
    return nullptr;
}

const DeploymentState::Host* DeploymentState::host(const QString& address) const
{
    return const_cast<DeploymentState*>(this)->host(address);
}

QList<int> DeploymentState::conditionsOn(const QString& address) const
{
    QList<int> out;
    for (int i = 0; i < conditions.size(); ++i) {
        if (conditions.at(i).host == address)
            out << i;
    }
    return out;
}

bool DeploymentState::stillGoing() const
{
    for (const Condition& c : conditions) {
        // aws: its machine was not launched (launchProblem); nothing will start it until a deploy does.
        if (c.phase == Phase::Queued && c.host.isEmpty() && !c.launchProblem.isEmpty())
            continue;
        if (c.phase == Phase::Queued || c.phase == Phase::Provisioning || c.phase == Phase::Booting
            || c.phase == Phase::Uploading || c.phase == Phase::Building || c.phase == Phase::Running)
            return true;
        // A watcher runs it again on a new machine (Rerun::preemptedToRetry).
        if (c.phase == Phase::Preempted && c.attempt < c.lastAttempt && !terminated)
            return true;
    }
    return false;
}

QJsonObject DeploymentState::toJson() const
{
    QJsonArray hostArray;
    for (const Host& h : hosts) {
        hostArray.append(QJsonObject { { QStringLiteral("address"), h.address },
                                       { QStringLiteral("id"), h.id },
                                       { QStringLiteral("home"), h.home },
                                       { QStringLiteral("phase"), hostPhaseName(h.phase) },
                                       { QStringLiteral("message"), h.message },
                                       { QStringLiteral("up_since"), isoTime(h.upSince) },
                                       { QStringLiteral("down_at"), isoTime(h.downAt) },
                                       { QStringLiteral("unreachable_since"), isoTime(h.unreachableSince) } });
    }
    QJsonArray conditionArray;
    for (const Condition& c : conditions) {
        conditionArray.append(QJsonObject {
            { QStringLiteral("index"), c.index },
            { QStringLiteral("condition"), c.text },
            { QStringLiteral("arguments"), QJsonArray::fromStringList(c.arguments) },
            { QStringLiteral("slug"), c.slug },
            { QStringLiteral("host"), c.host },
            { QStringLiteral("phase"), phaseName(c.phase) },
            { QStringLiteral("last_run_phase"), phaseName(c.lastRunPhase) },
            { QStringLiteral("exit_code"), c.exitCode },
            { QStringLiteral("started_at"), isoTime(c.startedAt) },
            { QStringLiteral("finished_at"), isoTime(c.finishedAt) },
            { QStringLiteral("synced_at"), isoTime(c.syncedAt) },
            { QStringLiteral("attempt"), c.attempt },
            { QStringLiteral("last_attempt"), c.lastAttempt },
            { QStringLiteral("terminated"), c.terminated },
        });
    }
    // slurm: the scheduler's view of each task, only where there is one.
    for (int i = 0; i < conditions.size(); ++i) {
        const Condition& c = conditions.at(i);
        if (c.job.isEmpty())
            continue;
        QJsonObject o = conditionArray.at(i).toObject();
        o.insert(QStringLiteral("slurm"),
                 QJsonObject { { QStringLiteral("job"), c.job },
                               { QStringLiteral("state"), c.schedulerState },
                               { QStringLiteral("reason"), c.schedulerReason } });
        conditionArray.replace(i, o);
    }
    for (int i = 0; i < conditions.size(); ++i) {
        if (conditions.at(i).uploadedKey.isEmpty())
            continue;
        QJsonObject o = conditionArray.at(i).toObject();
        o.insert(QStringLiteral("uploaded_key"), conditions.at(i).uploadedKey);
        conditionArray.replace(i, o);
    }
    for (int i = 0; i < conditions.size(); ++i) {
        if (conditions.at(i).storeBytes <= 0)
            continue;
        QJsonObject o = conditionArray.at(i).toObject();
        o.insert(QStringLiteral("store_bytes"), static_cast<double>(conditions.at(i).storeBytes));
        conditionArray.replace(i, o);
    }
    for (int i = 0; i < conditions.size(); ++i) {
        if (conditions.at(i).launchProblem.isEmpty())
            continue;
        QJsonObject o = conditionArray.at(i).toObject();
        o.insert(QStringLiteral("launch_problem"), conditions.at(i).launchProblem);
        conditionArray.replace(i, o);
    }
    QJsonObject top {
        { QStringLiteral("format"), 1 },
        { QStringLiteral("experiment"), experiment },
        { QStringLiteral("backend"), backend },
        { QStringLiteral("commit"), commit },
        { QStringLiteral("dirty"), dirty },
        { QStringLiteral("image"), image },
        { QStringLiteral("registry"), registry },
        { QStringLiteral("results_store"), resultsStore },
        { QStringLiteral("created_at"), isoTime(createdAt) },
        { QStringLiteral("provision_started"), provisionStarted },
        { QStringLiteral("provisioned"), provisioned },
        { QStringLiteral("terminated"), terminated },
        { QStringLiteral("hosts"), hostArray },
        { QStringLiteral("conditions"), conditionArray },
    };
    if (!jobs.isEmpty())
        top.insert(QStringLiteral("slurm_jobs"), QJsonArray::fromStringList(jobs));
    if (storeDeletedAt.isValid())
        top.insert(QStringLiteral("store_deleted_at"), isoTime(storeDeletedAt));
    return top;
}

DeploymentState DeploymentState::fromJson(const QJsonObject& json)
{
    DeploymentState s;
    s.experiment = json.value(QStringLiteral("experiment")).toString();
    s.backend = json.value(QStringLiteral("backend")).toString();
    s.commit = json.value(QStringLiteral("commit")).toString();
    s.dirty = json.value(QStringLiteral("dirty")).toBool();
    s.image = json.value(QStringLiteral("image")).toString();
    s.registry = json.value(QStringLiteral("registry")).toString();
    s.resultsStore = json.value(QStringLiteral("results_store")).toString();
    s.createdAt = fromIso(json.value(QStringLiteral("created_at")));
    s.provisionStarted = json.value(QStringLiteral("provision_started")).toBool();
    s.provisioned = json.value(QStringLiteral("provisioned")).toBool();
    s.terminated = json.value(QStringLiteral("terminated")).toBool();
    s.storeDeletedAt = fromIso(json.value(QStringLiteral("store_deleted_at")));
    for (const QJsonValue& v : json.value(QStringLiteral("slurm_jobs")).toArray())
        s.jobs << v.toString();
    for (const QJsonValue& v : json.value(QStringLiteral("hosts")).toArray()) {
        const QJsonObject o = v.toObject();
        Host h = Host::at(o.value(QStringLiteral("address")).toString(), o.value(QStringLiteral("home")).toString());
        h.id = o.value(QStringLiteral("id")).toString();
        h.phase = hostPhaseFromName(o.value(QStringLiteral("phase")).toString());
        h.message = o.value(QStringLiteral("message")).toString();
        h.upSince = fromIso(o.value(QStringLiteral("up_since")));
        h.downAt = fromIso(o.value(QStringLiteral("down_at")));
        h.unreachableSince = fromIso(o.value(QStringLiteral("unreachable_since")));
        s.hosts.append(h);
    }
    for (const QJsonValue& v : json.value(QStringLiteral("conditions")).toArray()) {
        const QJsonObject o = v.toObject();
        Condition c;
        c.index = o.value(QStringLiteral("index")).toInt();
        c.text = o.value(QStringLiteral("condition")).toString();
        for (const QJsonValue& a : o.value(QStringLiteral("arguments")).toArray())
            c.arguments << a.toString();
        c.slug = o.value(QStringLiteral("slug")).toString();
        c.host = o.value(QStringLiteral("host")).toString();
        c.phase = phaseFromName(o.value(QStringLiteral("phase")).toString());
        c.lastRunPhase = phaseFromName(o.value(QStringLiteral("last_run_phase")).toString());
        c.exitCode = o.value(QStringLiteral("exit_code")).toInt(-1);
        c.startedAt = fromIso(o.value(QStringLiteral("started_at")));
        c.finishedAt = fromIso(o.value(QStringLiteral("finished_at")));
        c.syncedAt = fromIso(o.value(QStringLiteral("synced_at")));
        // Files written before the flag: every terminated condition had the phase Terminated.
        c.terminated = o.value(QStringLiteral("terminated")).toBool() || c.phase == Phase::Terminated;
        // Files written before attempts existed: attempt 1, no retries.
        c.attempt = std::max(1, o.value(QStringLiteral("attempt")).toInt(1));
        c.lastAttempt = std::max(c.attempt, o.value(QStringLiteral("last_attempt")).toInt(c.attempt));
        const QJsonObject slurm = o.value(QStringLiteral("slurm")).toObject();
        c.job = slurm.value(QStringLiteral("job")).toString();
        c.schedulerState = slurm.value(QStringLiteral("state")).toString();
        c.schedulerReason = slurm.value(QStringLiteral("reason")).toString();
        c.launchProblem = o.value(QStringLiteral("launch_problem")).toString();
        c.uploadedKey = o.value(QStringLiteral("uploaded_key")).toString();
        // A count of bytes: whole, not negative, below 2^53 (a JSON number is read as a double).
        const double bytes = o.value(QStringLiteral("store_bytes")).toDouble();
        c.storeBytes = bytes > 0 && bytes < 9007199254740992.0 ? static_cast<qint64>(bytes) : 0;
        s.conditions.append(c);
    }
    return s;
}
