// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/DeploymentState.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QString>
#include <array>

// The status board as a table: one row per condition of a deployment (each on
// its machine), in the order of parameters.json. It holds a copy of what it
// shows, so a status round is applied as a difference: only the rows that
// changed are announced (in a few contiguous ranges), and a view with 1,000
// machines repaints just those. No widgets here: colours and icons are the
// view's business; PhaseRole tells it what to draw.
class BoardModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    using Phase = DeploymentState::Phase;
    static constexpr int PhaseCount = static_cast<int>(Phase::Terminated) + 1;

    enum Column
    {
        ConditionColumn,
        StateColumn,
        MachineColumn,
        ElapsedColumn,
        ExitCodeColumn,
        SyncedColumn,
        LastLineColumn,
        ColumnCount
    };

    enum Role
    {
        PhaseRole = Qt::UserRole + 1, // int: DeploymentState::Phase
        SortRole, // a value that sorts the column the way a reader expects
        SlugRole,
        RowRole, // the row in this model (0-based condition index), kept through proxies
        ConditionTextRole,
        ElapsedSecondsRole, // qint64, -1 when not started
        ExitCodeRole,
        HostRole,
    };

    explicit BoardModel(QObject* parent = nullptr);

    // Shows state: a new set of conditions resets the model, the same set (same
    // slugs in the same order) updates the rows that differ. Returns how many rows changed.
    int setState(const DeploymentState& state);
    // One condition changed (Deployment::conditionChanged); falls back to setState when it is new.
    void updateCondition(const DeploymentState& state, int index);
    void clear();

    // The last line a machine printed; shown in its row.
    void setLastLine(int row, const QString& line);
    // Running rows' elapsed time moved on: announces the elapsed column of those rows.
    void tick();

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // How many rows are in each phase, and in total.
    int count(Phase phase) const { return m_counts[static_cast<size_t>(phase)]; }
    const std::array<int, PhaseCount>& counts() const { return m_counts; }
    // Every condition is done (succeeded, failed or terminated); false when there are none.
    bool allFinished() const;
    // Rows started and not yet synced since they finished.
    int unsyncedCount() const;
    Phase phase(int row) const { return m_rows.at(row).phase; }
    bool isTerminated(int row) const { return m_rows.at(row).terminated; }
    QString slug(int row) const { return m_rows.at(row).slug; }
    QString host(int row) const { return m_rows.at(row).host; }
    QString conditionText(int row) const { return m_rows.at(row).text; }
    int rowForSlug(const QString& slug) const;

    // "3m 12s", "1h 04m", "2d 3h"; empty for a negative number.
    static QString formatElapsed(qint64 seconds);
    // "running", "failed (exit 3)": the state as the board writes it.
    static QString stateText(Phase phase, int exitCode);
    static QString phaseTitle(Phase phase); // "Running"

Q_SIGNALS:
    // The number of rows in some phase changed.
    void countsChanged();

private:
    struct Row
    {
        QString slug;
        QString text;
        QString host;
        QString lastLine;
        QString job; // slurm: the array task, e.g. 42_3
        QString scheduler; // the backend's word beyond the phase (Backend::conditionDetail; slurm: "waiting: Priority")
        QDateTime startedAt;
        QDateTime finishedAt;
        QDateTime syncedAt;
        int exitCode = -1;
        Phase phase = Phase::Queued;
        bool terminated = false; // its container is gone (DeploymentState::Condition::terminated)
        int attempt = 1;
        QString upload; // with a results store, ended and not synced: DeploymentState::uploadState
        bool operator==(const Row& other) const;
    };
    static Row rowFrom(const DeploymentState& state, const DeploymentState::Condition& condition);
    qint64 elapsed(const Row& row) const;
    // data() by role: the tooltip, the sort key and the text of a column.
    QVariant toolTip(const Row& row, int column) const;
    QVariant sortKey(const Row& row, int column) const;
    QVariant display(const Row& row, int column) const;
    bool sameConditions(const DeploymentState& state) const;
    void recount();
    void announce(const QList<int>& changedRows, int firstColumn, int lastColumn);

    QList<Row> m_rows;
    std::array<int, PhaseCount> m_counts {};
};
