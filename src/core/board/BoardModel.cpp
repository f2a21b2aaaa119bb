// SPDX-License-Identifier: MIT
#include "BoardModel.h"

#include "deploy/backends/BackendRegistry.h"

namespace {

// Rows this close together are announced as one range: fewer signals, and a
// view repaints a few extra rows at most.
constexpr int MergeGap = 8;

} // namespace

bool BoardModel::Row::operator==(const Row& o) const
{
    return phase == o.phase && exitCode == o.exitCode && slug == o.slug && host == o.host && text == o.text
        && startedAt == o.startedAt && finishedAt == o.finishedAt && syncedAt == o.syncedAt && upload == o.upload
        && attempt == o.attempt && job == o.job && scheduler == o.scheduler && terminated == o.terminated;
}

BoardModel::BoardModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

BoardModel::Row BoardModel::rowFrom(const DeploymentState& state, const DeploymentState::Condition& c)
{
    const QString& backend = state.backend;
    Row row;
    row.upload = state.uploadState(c);
    row.slug = c.slug;
    row.text = c.text;
    row.host = c.host;
    row.startedAt = c.startedAt;
    row.finishedAt = c.finishedAt;
    row.syncedAt = c.syncedAt;
    row.exitCode = c.exitCode;
    row.phase = c.phase;
    row.terminated = c.isTerminated();
    row.attempt = c.attempt;
    row.job = c.job;
    // aws: a condition whose machine EC2 did not launch says why ("queued · not started: ...").
    row.scheduler = c.launchProblem.isEmpty() ? BackendRegistry::conditionDetail(backend, c)
                                              : QStringLiteral("not started: %1").arg(c.launchProblem);
    return row;
}

bool BoardModel::sameConditions(const DeploymentState& state) const
{
    if (state.conditions.size() != m_rows.size())
        return false;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (state.conditions.at(i).slug != m_rows.at(i).slug)
            return false;
    }
    return true;
}

int BoardModel::setState(const DeploymentState& state)
{
    if (!sameConditions(state)) {
        beginResetModel();
        m_rows.clear();
        m_rows.reserve(state.conditions.size());
        for (const DeploymentState::Condition& c : state.conditions)
            m_rows.append(rowFrom(state, c));
        recount();
        endResetModel();
        Q_EMIT countsChanged();
        return static_cast<int>(m_rows.size());
    }
    // Rows are changed and announced one range at a time: a sorting proxy
    // places each announced row among the others by their values, so no row
    // may hold new values before its change is announced.
    QList<int> changed;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (!(rowFrom(state, state.conditions.at(i)) == m_rows.at(i)))
            changed << i;
    }
    bool phasesMoved = false;
    int k = 0;
    while (k < changed.size()) {
        const int first = changed.at(k);
        int last = first;
        int end = k + 1;
        while (end < changed.size() && changed.at(end) - last <= MergeGap)
            last = changed.at(end++);
        for (int j = k; j < end; ++j) {
            const int i = changed.at(j);
            Row next = rowFrom(state, state.conditions.at(i));
            Row& row = m_rows[i];
            next.lastLine = row.lastLine;
            if (next.phase != row.phase) {
                --m_counts[static_cast<size_t>(row.phase)];
                ++m_counts[static_cast<size_t>(next.phase)];
                phasesMoved = true;
            }
            row = std::move(next);
        }
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
        k = end;
    }
    if (phasesMoved)
        Q_EMIT countsChanged();
    return static_cast<int>(changed.size());
}

void BoardModel::updateCondition(const DeploymentState& state, int index)
{
    if (!sameConditions(state) || index < 0 || index >= m_rows.size()) {
        setState(state);
        return;
    }
    Row next = rowFrom(state, state.conditions.at(index));
    Row& row = m_rows[index];
    if (next == row)
        return;
    next.lastLine = row.lastLine;
    const bool phaseMoved = next.phase != row.phase;
    if (phaseMoved) {
        --m_counts[static_cast<size_t>(row.phase)];
        ++m_counts[static_cast<size_t>(next.phase)];
    }
    row = std::move(next);
    announce({ index }, 0, ColumnCount - 1);
    if (phaseMoved)
        Q_EMIT countsChanged();
}

void BoardModel::clear()
{
    beginResetModel();
    m_rows.clear();
    recount();
    endResetModel();
    Q_EMIT countsChanged();
}

void BoardModel::setLastLine(int row, const QString& line)
{
    if (row < 0 || row >= m_rows.size() || m_rows.at(row).lastLine == line)
        return;
    m_rows[row].lastLine = line;
    announce({ row }, LastLineColumn, LastLineColumn);
}

void BoardModel::tick()
{
    QList<int> running;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).phase == Phase::Running && m_rows.at(i).startedAt.isValid())
            running << i;
    }
    announce(running, ElapsedColumn, ElapsedColumn);
}

void BoardModel::announce(const QList<int>& rows, int firstColumn, int lastColumn)
{
    int i = 0;
    while (i < rows.size()) {
        const int first = rows.at(i);
        int last = first;
        while (i + 1 < rows.size() && rows.at(i + 1) - last <= MergeGap)
            last = rows.at(++i);
        ++i;
        Q_EMIT dataChanged(index(first, firstColumn), index(last, lastColumn));
    }
}

void BoardModel::recount()
{
    m_counts.fill(0);
    for (const Row& row : std::as_const(m_rows))
        ++m_counts[static_cast<size_t>(row.phase)];
}

bool BoardModel::allFinished() const
{
    if (m_rows.isEmpty())
        return false;
    return count(Phase::Succeeded) + count(Phase::Failed) + count(Phase::Terminated) == m_rows.size();
}

int BoardModel::unsyncedCount() const
{
    int n = 0;
    for (const Row& row : m_rows) {
        const bool finished = row.phase == Phase::Succeeded || row.phase == Phase::Failed;
        if (row.startedAt.isValid() && !row.terminated && !(finished && row.syncedAt.isValid()))
            ++n;
    }
    return n;
}

int BoardModel::rowForSlug(const QString& slug) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).slug == slug)
            return i;
    }
    return -1;
}

qint64 BoardModel::elapsed(const Row& row) const
{
    if (!row.startedAt.isValid())
        return -1;
    if (!row.finishedAt.isValid() && row.phase != Phase::Running)
        return -1; // stopped or lost before its end was seen: no honest figure
    const QDateTime end = row.finishedAt.isValid() ? row.finishedAt : QDateTime::currentDateTimeUtc();
    return qMax<qint64>(0, row.startedAt.secsTo(end));
}

QString BoardModel::formatElapsed(qint64 s)
{
    if (s < 0)
        return QString();
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m %2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return QStringLiteral("%1h %2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1d %2h").arg(s / 86400).arg((s % 86400) / 3600);
}

QString BoardModel::phaseTitle(Phase phase)
{
    QString name = DeploymentState::phaseName(phase);
    if (!name.isEmpty())
        name[0] = name.at(0).toUpper();
    return name;
}

QString BoardModel::stateText(Phase phase, int exitCode)
{
    if (phase == Phase::Failed && exitCode >= 0)
        return tr("failed (exit %1)").arg(exitCode);
    return DeploymentState::phaseName(phase);
}

int BoardModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int BoardModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BoardModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row& row = m_rows.at(index.row());
    switch (role) {
    case PhaseRole:
        return static_cast<int>(row.phase);
    case SlugRole:
        return row.slug;
    case RowRole:
        return index.row();
    case ConditionTextRole:
        return row.text;
    case ElapsedSecondsRole:
        return elapsed(row);
    case ExitCodeRole:
        return row.exitCode;
    case HostRole:
        return row.host;
    case Qt::ToolTipRole:
        return toolTip(row, index.column());
    case Qt::TextAlignmentRole:
        if (index.column() == ElapsedColumn || index.column() == ExitCodeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        return index.column() == ConditionColumn ? QVariant(index.row()) : sortKey(row, index.column());
    case Qt::DisplayRole:
        return display(row, index.column());
    default:
        return {};
    }
}

QVariant BoardModel::toolTip(const Row& row, int column) const
{
    if (column == LastLineColumn)
        return row.lastLine;
    if (column == ConditionColumn)
        return QStringLiteral("%1\n%2").arg(row.slug, row.text);
    if (column == SyncedColumn) {
        if (row.syncedAt.isValid())
            return tr("results synced %1").arg(row.syncedAt.toLocalTime().toString(Qt::ISODate));
        if (row.upload == QLatin1String("uploaded"))
            return tr("ended, results in the results store, not synced here yet");
        if (!row.upload.isEmpty())
            return tr("ended, its upload to the results store has not finished");
        if (row.phase == Phase::Succeeded || row.phase == Phase::Failed)
            return tr("finished, results not synced yet");
        return {};
    }
    if (column == StateColumn && row.startedAt.isValid())
        return tr("started %1").arg(row.startedAt.toLocalTime().toString(Qt::ISODate));
    return {};
}

// The key a column sorts by (the condition column sorts by row, in data()).
QVariant BoardModel::sortKey(const Row& row, int column) const
{
    switch (column) {
    case StateColumn:
        return static_cast<int>(row.phase);
    case MachineColumn:
        return row.host;
    case ElapsedColumn:
        return elapsed(row);
    case ExitCodeColumn:
        return row.exitCode;
    case SyncedColumn:
        return row.syncedAt;
    case LastLineColumn:
        return row.lastLine;
    }
    return {};
}

QVariant BoardModel::display(const Row& row, int column) const
{
    switch (column) {
    case ConditionColumn:
        return row.text.isEmpty() ? row.slug : row.text;
    case StateColumn:
        // A rerun or retry names its attempt (deploy --rerun, max_retries); slurm adds the scheduler's
        // state and reason ("queued · waiting: Priority").
        {
            QString text = stateText(row.phase, row.exitCode);
            if (row.attempt > 1)
                text = tr("%1 · attempt %2").arg(text).arg(row.attempt);
            if (!row.scheduler.isEmpty())
                text = QStringLiteral("%1 · %2").arg(text, row.scheduler);
            return text;
        }
    case MachineColumn:
        return row.job.isEmpty() ? row.host : tr("job %1 via %2").arg(row.job, row.host);
    case ElapsedColumn:
        return formatElapsed(elapsed(row));
    case ExitCodeColumn:
        return row.exitCode >= 0 && (row.finishedAt.isValid() || row.phase == Phase::Failed)
            ? QString::number(row.exitCode)
            : QString();
    case SyncedColumn:
        if (row.syncedAt.isValid())
            return row.syncedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
        if (!row.upload.isEmpty()) // never shown as synced before it is
            return row.upload == QLatin1String("uploaded") ? tr("uploaded") : tr("upload not finished");
        return QString();
    case LastLineColumn:
        return row.lastLine;
    }
    return {};
}

QVariant BoardModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ConditionColumn:
        return tr("Condition");
    case StateColumn:
        return tr("State");
    case MachineColumn:
        return tr("Machine");
    case ElapsedColumn:
        return tr("Elapsed");
    case ExitCodeColumn:
        return tr("Exit");
    case SyncedColumn:
        return tr("Synced");
    case LastLineColumn:
        return tr("Last line");
    }
    return {};
}
