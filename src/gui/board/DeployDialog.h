#pragma once

#include "deploy/Backend.h"

#include <QDialog>

class DeploymentMonitor;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFrame;
class QFormLayout;
class QLabel;
class QLineEdit;

// What a deploy will do, before anything runs or costs money: the backend,
// how many machines, their type and region, an estimated cost per hour, the
// commit that will run, and a warning when the working tree has changes that
// commit does not hold. Deploy stays disabled while the plan has a problem.
class DeployDialog : public QDialog
{
    Q_OBJECT
public:
    explicit DeployDialog(DeploymentMonitor* monitor, QWidget* parent = nullptr);

    DeployOptions options() const;
    bool canDeploy() const;
    // Dollars per hour for `machines` of `instanceType`; -1 when the price is unknown.
    static double estimatedCostPerHour(const QString& instanceType, int machines);

private:
    void updatePlan();

    DeploymentMonitor* m_monitor;
    QComboBox* m_backend;
    QLineEdit* m_sshCidr;
    QFormLayout* m_form = nullptr;
    QLabel* m_machines;
    QLabel* m_instanceType;
    QLabel* m_region;
    QLabel* m_cost;
    QLabel* m_commit;
    QLabel* m_summary;
    QFrame* m_dirtyBanner;
    QLabel* m_dirtyText;
    QCheckBox* m_allowDirty;
    QLabel* m_problem;
    QDialogButtonBox* m_buttons;
    bool m_dirty = false;
    bool m_planOk = false;
};
