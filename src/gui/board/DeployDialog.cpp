// SPDX-License-Identifier: MIT
#include "DeployDialog.h"

#include "Theme.h"
#include "aws/AwsParameters.h"
#include "board/DeploymentMonitor.h"
#include "deploy/DeployPreview.h"
#include "git/GitRepository.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace {

// Long enough that typing an address plans once, short enough to feel immediate.
constexpr int PlanDelayMs = 150;

} // namespace

DeployDialog::DeployDialog(DeploymentMonitor* monitor, QWidget* parent)
    : QDialog(parent)
    , m_monitor(monitor)
    , m_backend(new QComboBox)
    , m_sshCidr(new QLineEdit)
    , m_machines(new QLabel)
    , m_instanceType(new QLabel)
    , m_region(new QLabel)
    , m_cost(new QLabel)
    , m_commit(new QLabel)
    , m_summary(new QLabel)
    , m_dirtyBanner(new QFrame)
    , m_dirtyText(new QLabel)
    , m_allowDirty(new QCheckBox)
    , m_problem(new QLabel)
    , m_warning(new QLabel)
    , m_allowWideSsh(new QCheckBox(tr("Allow SSH from this wide range")))
    , m_previewButton(new QPushButton(tr("&Preview")))
    , m_preview(new QPlainTextEdit)
    , m_previewer(new DeployPreview(*monitor->deployment(), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel))
    , m_planDelay(new QTimer(this))
{
    setObjectName(QStringLiteral("deployDialog"));
    setWindowTitle(tr("Deploy %1").arg(monitor->experiment().parameters().experimentName()));
    setMinimumWidth(560);

    auto* title = new QLabel(tr("<b>Run every condition on its own machine</b>"));
    auto* intro = new QLabel(tr("Nothing has started yet. Check what will run and where, then press Deploy."));
    intro->setWordWrap(true);
    QPalette muted = intro->palette();
    muted.setColor(QPalette::WindowText, Theme::mutedText(palette()));
    intro->setPalette(muted);

    m_backend->setObjectName(QStringLiteral("deployBackend"));
    m_sshCidr->setObjectName(QStringLiteral("deploySshCidr"));
    m_sshCidr->setPlaceholderText(tr("your address range, e.g. 203.0.113.7/32 (parameters.json: aws_ssh_cidr)"));
    m_sshCidr->setToolTip(tr("The only addresses allowed to reach the machines, and only over SSH"));
    m_machines->setObjectName(QStringLiteral("deployMachines"));
    m_instanceType->setObjectName(QStringLiteral("deployInstanceType"));
    m_region->setObjectName(QStringLiteral("deployRegion"));
    m_cost->setObjectName(QStringLiteral("deployCost"));
    m_commit->setObjectName(QStringLiteral("deployCommit"));
    m_summary->setObjectName(QStringLiteral("deploySummary"));
    m_problem->setObjectName(QStringLiteral("deployProblem"));
    m_allowDirty->setObjectName(QStringLiteral("deployAllowDirty"));
    m_dirtyBanner->setObjectName(QStringLiteral("deployDirtyBanner"));
    m_warning->setObjectName(QStringLiteral("deployWarning"));
    m_warning->setWordWrap(true);
    m_allowWideSsh->setObjectName(QStringLiteral("deployAllowWideSsh"));
    m_previewButton->setObjectName(QStringLiteral("deployPreviewButton"));
    m_previewButton->setToolTip(tr("Show what deploy would do without doing it (aws: Terraform's plan)"));
    m_preview->setObjectName(QStringLiteral("deployPreview"));
    m_preview->setReadOnly(true);
    m_preview->setFont(Theme::monospaceFont());
    m_preview->setVisible(false);
    m_commit->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_commit->setFont(Theme::monospaceFont());
    m_summary->setWordWrap(true);
    m_cost->setWordWrap(true);
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette error = m_problem->palette();
    error.setColor(QPalette::WindowText, Theme::errorText(palette()));
    m_problem->setPalette(error);

    const QString configured = monitor->experiment().parameters().backend();
    for (const QString& name : Backend::names()) {
        const QString label = name == QLatin1String("aws") ? tr("AWS (one EC2 machine per condition)")
            : name == QLatin1String("ssh")                 ? tr("Your own machines over SSH (the experiment's hosts)")
            : name == QLatin1String("slurm") ? tr("A SLURM cluster (one job array through its login node)")
                                             : tr("This machine's Docker engine");
        m_backend->addItem(label, name);
    }
    m_backend->setCurrentIndex(qMax(0, m_backend->findData(configured)));

    auto* form = new QFormLayout;
    m_form = form;
    form->addRow(tr("&Backend:"), m_backend);
    form->addRow(tr("SSH &from:"), m_sshCidr);
    form->addRow(tr("Machines:"), m_machines);
    form->addRow(tr("Instance type:"), m_instanceType);
    form->addRow(tr("Region:"), m_region);
    form->addRow(tr("Estimated cost:"), m_cost);
    form->addRow(tr("Commit:"), m_commit);

    m_dirtyBanner->setAutoFillBackground(true);
    QPalette warn = m_dirtyBanner->palette();
    warn.setColor(QPalette::Window, Theme::warningBackground(palette()));
    m_dirtyBanner->setPalette(warn);
    m_dirtyBanner->setFrameShape(QFrame::StyledPanel);
    auto* bannerLayout = new QHBoxLayout(m_dirtyBanner);
    auto* warnIcon = new QLabel;
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize);
    warnIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(iconSize * 2, iconSize * 2));
    warnIcon->setAlignment(Qt::AlignTop);
    auto* bannerText = new QVBoxLayout;
    m_dirtyText->setWordWrap(true);
    bannerText->addWidget(m_dirtyText);
    bannerText->addWidget(m_allowDirty);
    bannerLayout->addWidget(warnIcon);
    bannerLayout->addLayout(bannerText, 1);

    QPushButton* deploy = m_buttons->addButton(tr("&Deploy"), QDialogButtonBox::AcceptRole);
    deploy->setObjectName(QStringLiteral("deployConfirmButton"));
    deploy->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    deploy->setDefault(true);
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("deployCancelButton"));
    m_buttons->addButton(m_previewButton, QDialogButtonBox::ActionRole);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(intro);
    layout->addSpacing(6);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_dirtyBanner);
    layout->addWidget(m_warning);
    layout->addWidget(m_allowWideSsh);
    layout->addWidget(m_problem);
    layout->addWidget(m_preview, 1);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    // Deploy is enabled only when both answers are in, but Enter must not get past a plan being made.
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (canDeploy())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_backend, &QComboBox::currentIndexChanged, this, &DeployDialog::planLater);
    connect(m_allowDirty, &QCheckBox::toggled, this, &DeployDialog::planLater);
    connect(m_sshCidr, &QLineEdit::textChanged, this, &DeployDialog::planLater);
    connect(m_allowWideSsh, &QCheckBox::toggled, this, &DeployDialog::planLater);
    connect(m_previewButton, &QPushButton::clicked, this, &DeployDialog::preview);
    connect(m_previewer, &DeployPreview::finished, this, &DeployDialog::showPreview);
    m_planDelay->setSingleShot(true);
    m_planDelay->setInterval(PlanDelayMs);
    connect(m_planDelay, &QTimer::timeout, this, &DeployDialog::startPlan);
    connect(&m_git, &QFutureWatcher<GitFacts>::finished, this, &DeployDialog::showGit);
    connect(&m_plan, &QFutureWatcher<Deployment::Plan>::finished, this, &DeployDialog::showPlan);

    // The status walk takes seconds on a big working tree: it runs in a worker on a copy of the folder name,
    // and the dialog says it is checking until the answer comes.
    m_commit->setText(tr("checking the working tree…"));
    m_summary->setText(tr("Working out the plan…"));
    m_dirtyBanner->setVisible(false);
    m_form->setRowVisible(m_sshCidr, options().backend == QLatin1String("aws"));
    updateButtons();
    m_git.setFuture(QtConcurrent::run([dir = monitor->experimentDir()] { return readGit(dir); }));
    startPlan();
}

DeployDialog::~DeployDialog()
{
    // The workers hold copies only; they end on their own and their answers go nowhere.
    m_git.disconnect(this);
    m_plan.disconnect(this);
}

DeployDialog::GitFacts DeployDialog::readGit(const QString& dir)
{
    GitFacts facts;
    auto repo = GitRepository::discover(dir);
    if (!repo)
        return facts;
    facts.head = repo->headCommit();
    facts.branch = repo->headBranch();
    facts.dirty = repo->isDirty();
    return facts;
}

void DeployDialog::showGit()
{
    const GitFacts facts = m_git.result();
    const QString& head = facts.head;
    m_gitKnown = true;
    m_dirty = facts.dirty;
    m_commit->setText(head.isEmpty()
                          ? tr("no commit yet")
                          : head.left(12) + (facts.branch.isEmpty() ? QString() : tr(" on %1").arg(facts.branch)));
    m_commit->setToolTip(head);
    m_dirtyText->setText(
        tr("<b>The working tree has uncommitted changes.</b> Machines run the pinned commit %1, so these changes "
           "will not be part of the run. Commit them first, or deploy the commit without them.")
            .arg(head.left(12)));
    m_allowDirty->setText(tr("Deploy commit %1 without the uncommitted changes").arg(head.left(12)));
    m_dirtyBanner->setVisible(m_dirty);
    updateButtons();
    Q_EMIT updated();
}

void DeployDialog::planLater()
{
    m_form->setRowVisible(m_sshCidr, options().backend == QLatin1String("aws"));
    m_planCurrent = false;
    updateButtons();
    m_planDelay->start();
}

void DeployDialog::startPlan()
{
    m_planCurrent = false;
    if (m_plan.isRunning()) {
        m_replan = true; // planned again when this one ends; its answer is dropped
        return;
    }
    m_replan = false;
    m_planFor = options();
    // plan() reads the saved state, the price table, the settings and PATH, and asks Git about HEAD: a worker
    // does it on its own Deployment, made from a copy of the experiment, so nothing here is shared with it.
    Experiment experiment;
    QString closed;
    if (m_monitor->isOpen())
        experiment = m_monitor->experiment();
    else
        closed = tr("no experiment is open");
    m_plan.setFuture(QtConcurrent::run([closed, experiment, opts = m_planFor] {
        Deployment::Plan plan;
        if (!closed.isEmpty()) {
            plan.check = Result::badInput(closed);
            return plan;
        }
        Deployment deployment(experiment);
        if (const Result loaded = deployment.load(); !loaded) {
            plan.check = loaded;
            return plan;
        }
        return deployment.plan(opts);
    }));
}

DeployOptions DeployDialog::options() const
{
    DeployOptions options;
    options.backend = m_backend->currentData().toString();
    options.allowDirty = m_allowDirty->isChecked();
    if (options.backend == QLatin1String("aws")) {
        options.sshCidr = m_sshCidr->text().trimmed();
        options.allowWideSsh = m_allowWideSsh->isChecked();
    }
    return options;
}

bool DeployDialog::canDeploy() const
{
    return !isWorking() && m_planOk && (!m_dirty || m_allowDirty->isChecked());
}

bool DeployDialog::isWorking() const
{
    return !m_gitKnown || !m_planCurrent;
}

void DeployDialog::updateButtons()
{
    for (QAbstractButton* b : m_buttons->buttons()) {
        if (m_buttons->buttonRole(b) == QDialogButtonBox::AcceptRole)
            b->setEnabled(canDeploy());
    }
}

void DeployDialog::preview()
{
    if (m_previewer->isBusy())
        return;
    m_previewButton->setEnabled(false);
    m_preview->setVisible(true);
    m_preview->setPlainText(tr("Working out the plan…"));
    DeployOptions opts = options();
    opts.dryRun = true;
    // Asynchronous (terraform runs as a child process); the dialog stays responsive.
    m_previewer->start(opts);
}

void DeployDialog::showPreview(const Result& result, const QString& text)
{
    m_previewButton->setEnabled(true);
    m_preview->setPlainText(result ? text : text + QStringLiteral("\n\n") + result.message());
}

void DeployDialog::showPlan()
{
    // Only the newest answer is shown: one for fields that have changed since is dropped.
    if (m_replan) {
        startPlan();
        return;
    }
    if (m_planDelay->isActive())
        return;
    const DeployOptions& opts = m_planFor;
    const Deployment::Plan plan = m_plan.result();
    const Parameters& params = m_monitor->experiment().parameters();
    const bool aws = opts.backend == QLatin1String("aws");
    const int machines = plan.conditionCount;
    m_form->setRowVisible(m_sshCidr, aws);
    m_machines->setText(aws ? tr("%n machine(s), one per condition", nullptr, machines)
                            : tr("%n condition(s)", nullptr, machines));
    const QString type = plan.instanceType;
    const QString region = plan.region;
    m_instanceType->setText(aws ? type
                                : tr("not used (%1)")
                                      .arg(opts.backend == QLatin1String("ssh")         ? tr("your own hosts")
                                               : opts.backend == QLatin1String("slurm") ? tr("the cluster's nodes")
                                                                                        : tr("this machine")));
    m_region->setText(aws ? region : tr("not used"));
    if (aws) {
        m_cost->setText(plan.pricePerHour < 0 ? tr("unknown: %1").arg(plan.priceNote)
                                              : tr("about $%1 per hour (%2 × $%3, %4)")
                                                    .arg(plan.pricePerHour * machines, 0, 'f', 2)
                                                    .arg(machines)
                                                    .arg(plan.pricePerHour, 0, 'f', 4)
                                                    .arg(plan.priceNote));
        // Spot: what it may cost at most, beside the on-demand price (aws_spot_max_price, checked at load).
        if (params.json().value(QStringLiteral("aws_spot")).toBool()) {
            const QString cap = params.json().value(QStringLiteral("aws_spot_max_price")).toString();
            m_cost->setText(m_cost->text() + QLatin1Char('\n')
                            + (cap.isEmpty() ? tr("Spot machines: at most the on-demand price per hour each, "
                                                  "usually much less; AWS may take them back (preempted).")
                                             : tr("Spot machines: at most $%1 per hour each "
                                                  "(aws_spot_max_price); AWS may take them back (preempted).")
                                                   .arg(cap)));
        }
    } else {
        m_cost->setText(tr("nothing: no machines are rented"));
    }
    m_summary->setText(plan.summary);
    // A wide SSH range is refused unless allowed here (the CLI's --allow-wide-ssh), and warned about either way.
    const QString wide = AwsParameters::parseCidr(opts.sshCidr.isEmpty()
                                                      ? params.json().value(QStringLiteral("aws_ssh_cidr")).toString()
                                                      : opts.sshCidr)
                             .isWide()
        ? tr("Warning: SSH to the machines is open to a wide address range; anyone in it can try to log in.")
        : QString();
    m_warning->setText(
        aws ? (plan.warnings.isEmpty() ? wide : tr("Warning: %1").arg(plan.warnings.join(QLatin1Char(' '))))
            : QString());
    m_warning->setVisible(!m_warning->text().isEmpty());
    m_allowWideSsh->setVisible(aws && !wide.isEmpty());
    m_planOk = plan.check.isOk();
    QString problem = plan.check.isOk() ? QString() : plan.check.message();
    if (plan.check.isOk() && plan.resumes)
        problem = tr("An unfinished deployment of this commit exists; deploying goes on with it.");
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Cancel)->setDefault(false);
    m_planCurrent = true;
    updateButtons();
    Q_EMIT updated();
}
