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
class QPlainTextEdit;
class QPushButton;
class DeployPreview;

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

    // Preview: what deploy would do (for aws, Terraform's plan made in a scratch folder), computed by the
    // core's DeployPreview in the background; shown in the preview box when it ends.
    void preview();

private:
    void updatePlan();
    void showPreview(const Result& result, const QString& text);

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
    QLabel* m_warning;
    QCheckBox* m_allowWideSsh;
    QPushButton* m_previewButton;
    QPlainTextEdit* m_preview;
    DeployPreview* m_previewer;
    QDialogButtonBox* m_buttons;
    bool m_dirty = false;
    bool m_planOk = false;
};
