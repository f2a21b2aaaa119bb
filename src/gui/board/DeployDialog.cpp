// SPDX-License-Identifier: MIT
#include "DeployDialog.h"

#include "CommitDialog.h"
#include "ParameterRules.h"
#include "ParameterSchema.h"
#include "Theme.h"
#include "board/DeploymentMonitor.h"
#include "deploy/DeployPreview.h"
#include "deploy/backends/BackendRegistry.h"
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
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QStyle>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace {

// Long enough that typing an address plans once, short enough to feel immediate.
constexpr int PlanDelayMs = 150;

QLabel* note(QLabel* label, const QColor& colour)
{
    label->setWordWrap(true);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, colour);
    label->setPalette(palette);
    return label;
}

// "1 machine", "12 machines": plain English without a translation file (tr's %n says "machine(s)").
QString count(int n, const QString& one, const QString& many)
{
    return (n == 1 ? one : many).arg(n);
}

QString money(double dollars)
{
    return QStringLiteral("$%1").arg(dollars, 0, 'f', dollars < 1 ? 4 : 2);
}

} // namespace

QString DeployDialog::plainWords(const QString& message)
{
    // The core's messages are written for the terminal; each rule says the same in the app's words.
    // Most specific first; the last ones catch what is left of command-line syntax.
    struct Rule
    {
        const char* pattern;
        QString replacement;
    };
    const QString credentials = tr("Settings ▸ Settings and Credentials…");
    const QString wizard = tr("Settings ▸ Setup Wizard…");
    const Rule rules[] = {
        { R"(pass --ssh-cidr .*? or set aws_ssh_cidr in \S+)",
          tr("type your own public address followed by /32 (e.g. 203.0.113.7/32) in “SSH allowed from” above, or "
             "set the SSH range in the experiment's Settings tab") },
        { R"(the aws backend)", tr("Amazon EC2") },
        { R"(, or pass --allow-wide-ssh if you mean it)",
          tr(", or tick “Allow SSH from this wide range” if you mean it") },
        { R"(^(--ssh-cidr|aws_ssh_cidr): )", tr("SSH allowed from: ") },
        { R"(run `logistician setup --aws-instance-type \w+` or set aws_instance_type in parameters\.json)",
          tr("choose one in the Setup Wizard (%1) or in the experiment's Settings tab").arg(wizard) },
        { R"(run `logistician setup` or set AWS_\w+( and AWS_\w+)?)", tr("add your AWS keys in %1").arg(credentials) },
        { R"(run `logistician setup` or set \w+)", tr("add it in %1").arg(credentials) },
        { R"(change it with `logistician setup`)", tr("change it in %1").arg(credentials) },
        { R"(run `logistician setup`( first)?)", tr("run the Setup Wizard first (%1)").arg(wizard) },
        { R"(never \(auto_stop_minutes is 0\); run `logistician terminate`)",
          tr("never (auto-stop is off): terminate them on the board when you are done") },
        { R"(run `logistician terminate`)", tr("terminate it on the board") },
        { R"(\S*parameters\.json: no conditions: add experiment_conditions or parameter_grid)",
          tr("no conditions yet: add some in the Conditions tab") },
        { R"(\S*parameters\.json: experiment_command:)", tr("the experiment's command (Settings tab)") },
        { R"(\S*parameters\.json's )", tr("the Settings tab's ") },
        { R"(^\S*parameters\.json(:\d+:\d+)?: )", QString() },
        { R"(\(aws_spot_max_price\))", QString() },
        { R"(\baws_ssh_cidr \(or --ssh-cidr\))", tr("SSH range") },
        { R"(\baws_ssh_cidr\b)", tr("SSH range") },
        { R"(\baws_instance_type\b)", tr("instance type") },
        { R"(\baws_ami_user\b)", tr("login user") },
        { R"(\baws_ami\b)", tr("image (AMI)") },
        { R"(\baws_region\b)", tr("region") },
        { R"(\baws_root_volume_size\b)", tr("root volume") },
        { R"(\bauto_stop_minutes\b)", tr("auto-stop") },
        { R"(\bmax_runtime_minutes\b)", tr("max runtime") },
        { R"(in \S*parameters\.json)", tr("in the experiment's Settings tab") },
        { R"(`([^`]+)`)", QStringLiteral("“\\1”") },
    };
    QString text = message;
    for (const Rule& rule : rules)
        text.replace(QRegularExpression(QString::fromUtf8(rule.pattern)), rule.replacement);
    return text;
}

DeployDialog::DeployDialog(DeploymentMonitor* monitor, QWidget* parent)
    : QDialog(parent)
    , m_monitor(monitor)
    , m_backend(new QComboBox)
    , m_sshCidr(new QLineEdit)
    , m_machines(new QLabel)
    , m_instanceType(new QLabel)
    , m_region(new QLabel)
    , m_cost(new QLabel)
    , m_autoStop(new QSpinBox)
    , m_maxRuntime(new QSpinBox)
    , m_machineCount(new QSpinBox)
    , m_autoStopWarning(new QLabel)
    , m_commit(new QLabel)
    , m_summary(new QLabel)
    , m_dirtyBanner(new QFrame)
    , m_dirtyText(new QLabel)
    , m_allowDirty(new QCheckBox)
    , m_commitButton(new QPushButton(tr("&Commit Changes…")))
    , m_problem(new QLabel)
    , m_warning(new QLabel)
    , m_allowWideSsh(new QCheckBox(tr("Allo&w SSH from this wide range")))
    , m_previewButton(new QPushButton(tr("&Preview…")))
    , m_preview(new QPlainTextEdit)
    , m_previewer(new DeployPreview(*monitor->deployment(), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel))
    , m_planDelay(new QTimer(this))
{
    setObjectName(QStringLiteral("deployDialog"));
    setWindowTitle(tr("Deploy %1").arg(monitor->experiment().parameters().experimentName()));
    setMinimumWidth(480);

    setUpButtons();

    // The body scrolls, the buttons stay: the dialog fits a 800×600 screen with the preview open.
    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("deployScroll"));
    scroll->setAccessibleName(tr("Deploy settings"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(makeBody());
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 1);
    // What keeps Deploy off stays in sight, whatever is scrolled.
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    resize(620, 540);

    // Deploy is enabled only when both answers are in, but Enter must not get past a plan being made.
    connectSignals();

    // The status walk takes seconds on a big working tree: it runs in a worker on a copy of the folder name,
    // and the dialog says it is checking until the answer comes.
    m_commit->setText(tr("checking the working tree…"));
    m_summary->setText(tr("Working out the plan…"));
    m_dirtyBanner->setVisible(false);
    m_problem->setVisible(false);
    showSsh();
    showLimits();
    updateButtons();
    checkGit();
    startPlan();
}

void DeployDialog::checkGit()
{
    m_gitKnown = false;
    m_git.setFuture(QtConcurrent::run([dir = m_monitor->experimentDir()] { return readGit(dir); }));
}

QDialog* DeployDialog::showCommitDialog()
{
    const QString dir = m_monitor->experimentDir();
    auto* dialog = new CommitDialog(dir, dir, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // Committed: the warning may be gone, and the plan pins the new commit.
    connect(dialog, &CommitDialog::committed, this, [this] {
        m_commit->setText(tr("checking the working tree…"));
        checkGit();
        m_allowDirty->setChecked(false);
        planLater();
        updateButtons();
    });
    dialog->open();
    return dialog;
}

QWidget* DeployDialog::makeBody()
{
    const Parameters& params = m_monitor->experiment().parameters();
    auto* title = new QLabel(tr("<b>Run every condition of this experiment</b>"));
    auto* intro = note(new QLabel(tr("Nothing has started yet. Check what will run and where, then press Deploy.")),
                       Theme::mutedText(palette()));
    const QColor errorColour = Theme::errorText(palette());

    m_backend->setObjectName(QStringLiteral("deployBackend"));
    m_backend->setAccessibleName(tr("Where to run"));
    for (const BackendTraits& backend : BackendRegistry::all())
        m_backend->addItem(backend.label, backend.name);
    m_backend->setCurrentIndex(qMax(0, m_backend->findData(params.backend())));

    const QString configuredCidr = params.json().value(QStringLiteral("aws_ssh_cidr")).toString();
    m_sshCidr->setObjectName(QStringLiteral("deploySshCidr"));
    m_sshCidr->setAccessibleName(tr("SSH allowed from"));
    m_sshCidr->setPlaceholderText(configuredCidr.isEmpty()
                                      ? tr("your own address, e.g. 203.0.113.7/32")
                                      : tr("%1, from the experiment's settings").arg(configuredCidr));
    m_sshCidr->setToolTip(tr("The only addresses allowed to reach the machines, and only over SSH"));
    m_warning->setObjectName(QStringLiteral("deployWarning"));
    note(m_warning, errorColour);
    m_allowWideSsh->setObjectName(QStringLiteral("deployAllowWideSsh"));
    m_allowWideSsh->setAccessibleName(tr("Allow SSH from this wide range"));

    m_machines->setObjectName(QStringLiteral("deployMachines"));
    m_instanceType->setObjectName(QStringLiteral("deployInstanceType"));
    m_region->setObjectName(QStringLiteral("deployRegion"));
    m_cost->setObjectName(QStringLiteral("deployCost"));
    m_cost->setWordWrap(true);

    setUpLimits(params, errorColour);

    setUpStatusWidgets(errorColour);

    // Where: the backend, then for Amazon EC2 who may log in, with the warning right under the field.
    auto* form = new QFormLayout;
    m_form = form;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Run &on:"), m_backend);
    form->addRow(tr("SSH allowed &from:"), m_sshCidr);
    form->addRow(m_warning);
    form->addRow(m_allowWideSsh);
    form->addRow(tr("Machines:"), m_machines);
    form->addRow(tr("Instance type:"), m_instanceType);
    form->addRow(tr("Region:"), m_region);
    form->addRow(tr("Price:"), m_cost);
    form->addRow(tr("Commit:"), m_commit);

    auto* limits = new QFormLayout;
    m_limitsForm = limits;
    limits->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    limits->addRow(tr("&Machines for the sweep:"), m_machineCount);
    limits->addRow(tr("Stop idle machines &after:"), m_autoStop);
    limits->addRow(m_autoStopWarning);
    limits->addRow(tr("Stop each condition aft&er:"), m_maxRuntime);

    buildDirtyBanner();

    auto* body = new QWidget;
    body->setObjectName(QStringLiteral("deployBody"));
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(intro);
    layout->addSpacing(6);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addSpacing(6);
    layout->addWidget(new QLabel(tr("<b>Limits</b>")));
    layout->addLayout(limits);
    layout->addWidget(m_dirtyBanner);
    layout->addWidget(m_preview, 1);
    layout->addStretch(1);
    return body;
}

void DeployDialog::setUpButtons()
{
    QPushButton* deploy = m_buttons->addButton(tr("&Deploy"), QDialogButtonBox::AcceptRole);
    deploy->setObjectName(QStringLiteral("deployConfirmButton"));
    deploy->setAccessibleName(tr("Deploy"));
    deploy->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    deploy->setDefault(true);
    QPushButton* cancel = m_buttons->button(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("deployCancelButton"));
    cancel->setAccessibleName(tr("Cancel"));
    m_buttons->addButton(m_previewButton, QDialogButtonBox::ActionRole);
}

void DeployDialog::connectSignals()
{
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (canDeploy())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_backend, &QComboBox::currentIndexChanged, this, &DeployDialog::planLater);
    connect(m_allowDirty, &QCheckBox::toggled, this, &DeployDialog::planLater);
    connect(m_sshCidr, &QLineEdit::textChanged, this, &DeployDialog::planLater);
    connect(m_allowWideSsh, &QCheckBox::toggled, this, &DeployDialog::planLater);
    connect(m_autoStop, &QSpinBox::valueChanged, this, &DeployDialog::planLater);
    connect(m_maxRuntime, &QSpinBox::valueChanged, this, &DeployDialog::planLater);
    connect(m_machineCount, &QSpinBox::valueChanged, this, &DeployDialog::planLater);
    connect(m_previewButton, &QPushButton::clicked, this, &DeployDialog::preview);
    connect(m_previewer, &DeployPreview::finished, this, &DeployDialog::showPreview);
    m_planDelay->setSingleShot(true);
    m_planDelay->setInterval(PlanDelayMs);
    connect(m_planDelay, &QTimer::timeout, this, &DeployDialog::startPlan);
    connect(&m_git, &QFutureWatcher<GitFacts>::finished, this, &DeployDialog::showGit);
    connect(&m_plan, &QFutureWatcher<Deployment::Plan>::finished, this, &DeployDialog::showPlan);
}

void DeployDialog::setUpLimits(const Parameters& params, const QColor& errorColour)
{
    m_autoStop->setObjectName(QStringLiteral("deployAutoStop"));
    m_autoStop->setAccessibleName(tr("Stop idle machines after, in minutes; 0 is never"));
    const ParameterSchema::Key& autoStop = ParameterSchema::key(QStringLiteral("auto_stop_minutes"));
    m_autoStop->setRange(autoStop.minimum, autoStop.maximum);
    m_autoStop->setSpecialValueText(tr("never"));
    m_autoStop->setSuffix(tr(" min idle"));
    m_autoStop->setValue(params.autoStopMinutes());
    m_autoStop->setToolTip(autoStop.help);
    m_maxRuntime->setObjectName(QStringLiteral("deployMaxRuntime"));
    m_maxRuntime->setAccessibleName(tr("Stop each condition after, in minutes; 0 is no limit"));
    const ParameterSchema::Key& maxRuntime = ParameterSchema::key(QStringLiteral("max_runtime_minutes"));
    m_maxRuntime->setRange(maxRuntime.minimum, maxRuntime.maximum);
    m_maxRuntime->setSpecialValueText(tr("no limit"));
    m_maxRuntime->setSuffix(tr(" min"));
    m_maxRuntime->setValue(params.maxRuntimeMinutes());
    m_maxRuntime->setToolTip(maxRuntime.help);
    m_machineCount->setObjectName(QStringLiteral("deployMachineCount"));
    m_machineCount->setAccessibleName(tr("How many machines; 0 is one per condition"));
    const ParameterSchema::Key& machineCount = ParameterSchema::key(QStringLiteral("aws_machines"));
    m_machineCount->setRange(machineCount.minimum, machineCount.maximum);
    m_machineCount->setSpecialValueText(tr("one per condition"));
    m_machineCount->setValue(params.awsMachines());
    m_machineCount->setToolTip(machineCount.help);
    m_autoStopWarning->setObjectName(QStringLiteral("deployAutoStopWarning"));
    note(m_autoStopWarning, errorColour);
}

void DeployDialog::setUpStatusWidgets(const QColor& errorColour)
{
    m_commit->setObjectName(QStringLiteral("deployCommit"));
    m_commit->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_commit->setFont(Theme::monospaceFont());
    m_summary->setObjectName(QStringLiteral("deploySummary"));
    m_summary->setWordWrap(true);
    m_problem->setObjectName(QStringLiteral("deployProblem"));
    // Built from files anyone could have written (deployment.json's backend): text, never markup.
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    note(m_problem, errorColour);
    m_allowDirty->setObjectName(QStringLiteral("deployAllowDirty"));
    m_allowDirty->setAccessibleName(tr("Deploy the commit without the uncommitted changes"));
    m_dirtyBanner->setObjectName(QStringLiteral("deployDirtyBanner"));
    m_previewButton->setObjectName(QStringLiteral("deployPreviewButton"));
    m_previewButton->setAccessibleName(tr("Preview"));
    m_previewButton->setToolTip(tr("Show what Deploy would create and run, without doing it"));
    m_preview->setObjectName(QStringLiteral("deployPreview"));
    m_preview->setAccessibleName(tr("Preview of the deploy"));
    m_preview->setReadOnly(true);
    m_preview->setFont(Theme::monospaceFont());
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_preview->setMinimumHeight(160);
    m_preview->setVisible(false);
}

void DeployDialog::buildDirtyBanner()
{
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
    // Deploy runs a commit: the way to one is right here.
    m_commitButton->setObjectName(QStringLiteral("deployCommitButton"));
    m_commitButton->setAccessibleName(tr("Commit changes"));
    m_commitButton->setAutoDefault(false); // Enter stays Deploy's
    m_commitButton->setToolTip(tr("Commit the changed files, then check again"));
    connect(m_commitButton, &QPushButton::clicked, this, &DeployDialog::showCommitDialog);
    auto* commitRow = new QHBoxLayout;
    commitRow->addWidget(m_commitButton);
    commitRow->addStretch(1);
    bannerText->addLayout(commitRow);
    bannerLayout->addWidget(warnIcon);
    bannerLayout->addLayout(bannerText, 1);
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
    auto repo = GitRepository::discover(dir).valueOr(nullptr);
    if (!repo)
        return facts;
    facts.head = repo->headCommit();
    facts.branch = repo->headBranch();
    facts.dirty = repo->isDirty(dir);
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
        head.isEmpty()
            ? tr("<b>Nothing is committed yet.</b> Machines run a Git commit: commit the experiment first.")
            : tr("<b>The working tree has uncommitted changes.</b> Machines run the pinned commit %1, so these "
                 "changes will not be part of the run. Commit them first, or deploy the commit without them.")
                  .arg(head.left(12)));
    m_allowDirty->setVisible(!head.isEmpty());
    m_allowDirty->setText(tr("Deploy commit %1 without the &uncommitted changes").arg(head.left(12)));
    m_dirtyBanner->setVisible(m_dirty);
    updateButtons();
    Q_EMIT updated();
}

BackendTraits DeployDialog::chosen() const
{
    return BackendRegistry::traits(m_backend->currentData().toString());
}

void DeployDialog::planLater()
{
    showSsh();
    showLimits();
    m_planCurrent = false;
    updateButtons();
    m_planDelay->start();
}

void DeployDialog::showSsh()
{
    // Said as soon as it is typed: the range in the field, else the experiment's own.
    const bool aws = chosen().needsSshRange;
    m_form->setRowVisible(m_sshCidr, aws);
    const QString text = m_sshCidr->text().trimmed().isEmpty()
        ? m_monitor->experiment().parameters().json().value(QStringLiteral("aws_ssh_cidr")).toString()
        : m_sshCidr->text().trimmed();
    const ParameterRules::Cidr range = ParameterRules::parseCidr(text);
    const bool wide = aws && range.isWide();
    if (wide)
        m_warning->setText(range.prefix == 0
                               ? tr("Warning: %1 lets anyone on the internet try to log in to the machines over SSH. "
                                    "Use your own address followed by /32.")
                                     .arg(range.text)
                               : tr("Warning: %1 is a wide range (/%2): anyone in it can try to log in to the "
                                    "machines over SSH. Use your own address followed by /32.")
                                     .arg(range.text)
                                     .arg(range.prefix));
    m_form->setRowVisible(m_warning, wide);
    m_form->setRowVisible(m_allowWideSsh, wide);
}

void DeployDialog::showLimits()
{
    // Auto-stop is about rented machines; max runtime holds wherever the conditions run.
    const BackendTraits backend = chosen();
    m_limitsForm->setRowVisible(m_autoStop, backend.canStop);
    m_limitsForm->setRowVisible(m_machineCount, backend.hasMachines);
    // The price of the last plan shown on this backend; the spin box is read as it is now.
    const double total = m_shown.pricePerHour * m_shown.conditionCount;
    const bool costly = backend.canStop && backend.costsMoney && m_shown.backend == backend.name
        && m_shown.pricePerHour >= 0 && total >= CostlyPerHour;
    if (costly && m_autoStop->value() == 0)
        m_autoStopWarning->setText(
            tr("Auto-stop is off: the machines keep running, at about %1 per hour, until you terminate them on the "
               "board, even after their work is done. Set “Stop idle machines after” to stop them on their own.")
                .arg(money(total)));
    m_limitsForm->setRowVisible(m_autoStopWarning, costly && m_autoStop->value() == 0);
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
    options.maxRuntimeMinutes = m_maxRuntime->value();
    const BackendTraits backend = chosen();
    if (backend.needsSshRange) {
        options.sshCidr = m_sshCidr->text().trimmed();
        options.allowWideSsh = m_allowWideSsh->isChecked();
    }
    if (backend.canStop)
        options.autoStopMinutes = m_autoStop->value();
    if (backend.hasMachines)
        options.awsMachines = m_machineCount->value();
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
    m_preview->setPlainText(tr("Working out what Deploy would do…"));
    DeployOptions opts = options();
    opts.dryRun = true;
    // Asynchronous (terraform runs as a child process); the dialog stays responsive.
    m_previewer->start(opts);
}

void DeployDialog::showPreview(const Result& result, const QString& text)
{
    m_previewButton->setEnabled(true);
    // The core's own sentences are said in plain words; the indented lines (docker runs, the job script,
    // Terraform's plan) and Terraform's messages are shown as they are.
    QStringList lines;
    for (const QString& line : text.split(QLatin1Char('\n')))
        lines << (line.startsWith(QLatin1Char(' ')) ? line : plainWords(line));
    if (!result) {
        QStringList message = result.message().split(QLatin1Char('\n'));
        message[0] = plainWords(message.at(0));
        lines << QString() << message;
    }
    m_preview->setPlainText(lines.join(QLatin1Char('\n')));
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
    m_shown = plan;
    m_shown.backend = opts.backend;
    const Parameters& params = m_monitor->experiment().parameters();
    const BackendTraits backend = BackendRegistry::traits(opts.backend);
    const bool aws = backend.hasMachines;
    // aws_machines: fewer machines than conditions, each running its share (max_parallel at a time).
    const int machines = plan.machineCount > 0 ? plan.machineCount : plan.conditionCount;
    m_machines->setText(
        !aws ? count(machines, tr("%1 condition"), tr("%1 conditions"))
            : machines < plan.conditionCount
            ? tr("%1 for %2, launched by one request")
                  .arg(count(machines, tr("%1 new machine"), tr("%1 new machines")),
                       count(plan.conditionCount, tr("%1 condition"), tr("%1 conditions")))
            : count(machines, tr("%1 new machine, one per condition"), tr("%1 new machines, one per condition")));
    m_form->setRowVisible(m_instanceType, aws);
    m_form->setRowVisible(m_region, aws);
    m_form->setRowVisible(m_cost, backend.costsMoney);
    m_instanceType->setText(plan.instanceType);
    m_region->setText(plan.region);
    if (aws) {
        m_cost->setText(plan.pricePerHour < 0 ? tr("unknown: %1").arg(plan.priceNote)
                                              : tr("about %1 per hour for %2 (%3 each, %4)")
                                                    .arg(money(plan.pricePerHour * machines),
                                                         count(machines, tr("%1 machine"), tr("%1 machines")),
                                                         money(plan.pricePerHour), plan.priceNote));
        // Spot: what it may cost at most, beside the on-demand price (checked when the experiment was loaded).
        if (backend.supportsSpot && params.json().value(QStringLiteral("aws_spot")).toBool()) {
            const QString cap = params.json().value(QStringLiteral("aws_spot_max_price")).toString();
            m_cost->setText(m_cost->text() + QLatin1Char('\n')
                            + (cap.isEmpty() ? tr("Spot machines: at most the on-demand price per hour each, "
                                                  "usually much less; Amazon may take them back.")
                                             : tr("Spot machines: at most $%1 per hour each, %2 for all of them; "
                                                  "Amazon may take them back.")
                                                   .arg(cap, money(cap.toDouble() * machines))));
        }
        m_summary->setText(opts.autoStopMinutes > 0
                               ? tr("The machines are rented when you press Deploy. Each stops itself after %1; "
                                    "terminate them on the board to stop paying for their disks.")
                                     .arg(count(opts.autoStopMinutes, tr("%1 idle minute"), tr("%1 idle minutes")))
                               : tr("The machines are rented when you press Deploy and cost money until you "
                                    "terminate them on the board."));
    } else {
        m_summary->setText(plainWords(plan.summary));
    }
    m_planOk = plan.check.isOk();
    QString problem = plan.check.isOk() ? QString() : plainWords(plan.check.message());
    if (plan.check.isOk() && plan.resumes)
        problem = tr("An unfinished deployment of this commit exists; deploying goes on with it.");
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Cancel)->setDefault(false);
    m_planCurrent = true;
    showSsh();
    showLimits();
    updateButtons();
    Q_EMIT updated();
}
