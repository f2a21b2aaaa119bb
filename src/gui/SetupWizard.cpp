// SPDX-License-Identifier: MIT
#include "SetupWizard.h"

#include "AppPaths.h"
#include "AsyncCommand.h"
#include "CommandRunner.h"
#include "CredentialStatus.h"
#include "Docker.h"
#include "MainWindow.h"
#include "Settings.h"
#include "SshKey.h"
#include "Theme.h"
#include "ToolCheck.h"
#include "aws/AwsParameters.h"
#include "original/OriginalConfig.h"
#include "original/OriginalConfigBanner.h"

#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <memory>

namespace {

// A page whose completeness a lambda decides (the tool check must have answered).
class Page : public QWizardPage
{
public:
    std::function<bool()> complete;
    std::function<void()> onInitialize;
    bool isComplete() const override { return complete ? complete() : true; }
    void initializePage() override
    {
        if (onInitialize)
            onInitialize();
    }
    void changed() { Q_EMIT completeChanged(); }
};

QLabel* makeNote(const QString& text)
{
    auto* label = new QLabel(text);
    label->setWordWrap(true);
    return label;
}

void setTone(QLabel* label, int tone)
{
    QPalette p = label->palette();
    const QPalette base = label->parentWidget() ? label->parentWidget()->palette() : QPalette();
    p.setColor(QPalette::WindowText,
               tone > 0       ? Theme::successText(base)
                   : tone < 0 ? Theme::errorText(base)
                              : Theme::mutedText(base));
    label->setPalette(p);
}

} // namespace

SetupWizard::SetupWizard(CredentialStore* store, QWidget* parent)
    : QWizard(parent)
    , m_store(store)
{
    setObjectName(QStringLiteral("setupWizard"));
    setWindowTitle(tr("Set Up Logistician"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setOption(QWizard::HaveFinishButtonOnEarlyPages, false);
    setMinimumSize(680, 520);
    setPage(ToolsPage, createToolsPage());
    setPage(RegistryPage, createRegistryPage());
    setPage(AwsPage, createAwsPage());
    setPage(SshPage, createSshPage());
    setPage(SummaryPage, createSummaryPage());
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("finishButton"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("nextButton"));
    readCredentialStates();
}

QWizardPage* SetupWizard::createToolsPage()
{
    auto* page = new Page;
    page->setObjectName(QStringLiteral("toolsPage"));
    page->setTitle(tr("Tools"));
    page->setSubTitle(tr("Logistician is a thin layer over standard tools. Here is what it found on this machine."));
    m_toolList = new QTreeWidget;
    m_toolList->setObjectName(QStringLiteral("toolList"));
    m_toolList->setAccessibleName(tr("Tools"));
    m_toolList->setHeaderLabels({ tr("Tool"), tr("Version, or what to do") });
    m_toolList->setRootIsDecorated(false);
    m_toolList->setWordWrap(true);
    m_toolList->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_toolSummary = makeNote(QString());
    m_toolSummary->setObjectName(QStringLiteral("toolSummary"));
    auto* recheck = new QPushButton(tr("Check &Again"));
    recheck->setObjectName(QStringLiteral("recheckToolsButton"));
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_toolSummary, 1);
    bottom->addWidget(recheck);
    auto* layout = new QVBoxLayout(page);
    // The original Logistician's plain-text settings, offered for import first thing.
    auto* original = new OriginalConfigBanner(m_store, OriginalConfig::defaultPath());
    connect(original, &OriginalConfigBanner::imported, this, [this] {
        Settings settings;
        m_registry->setText(settings.registry());
        m_registryUser->setText(settings.registryUser());
        readCredentialStates();
    });
    layout->addWidget(original);
    layout->addWidget(m_toolList, 1);
    layout->addLayout(bottom);

    auto start = [this, page] {
        if (m_toolCheck)
            return;
        m_toolsDone = false;
        page->changed();
        m_toolList->clear();
        m_toolSummary->setText(tr("Checking docker, terraform, git, rsync and ssh…"));
        setTone(m_toolSummary, 0);
        m_toolCheck = new ToolCheck(this);
        connect(m_toolCheck, &ToolCheck::finished, this, [this, page] {
            int found = 0;
            for (const ToolCheck::Tool& tool : m_toolCheck->tools()) {
                auto* item
                    = new QTreeWidgetItem(m_toolList, { tool.name, tool.found ? tool.version : tool.installHint });
                item->setIcon(
                    0, style()->standardIcon(tool.found ? QStyle::SP_DialogApplyButton : QStyle::SP_MessageBoxWarning));
                item->setToolTip(1, item->text(1));
                if (!tool.found)
                    item->setForeground(1, Theme::errorText(palette()));
                found += tool.found ? 1 : 0;
            }
            const int total = m_toolCheck->tools().size();
            m_toolSummary->setText(found == total
                                       ? tr("All %1 tools found.").arg(total)
                                       : tr("%1 of %2 tools found. You can go on and install the others later; "
                                            "each is needed only by the features that use it.")
                                             .arg(found)
                                             .arg(total));
            setTone(m_toolSummary, found == total ? 1 : 0);
            m_toolCheck->deleteLater();
            m_toolCheck = nullptr;
            m_toolsDone = true;
            page->changed();
        });
        m_toolCheck->start();
    };
    page->onInitialize = start;
    page->complete = [this] { return m_toolsDone; };
    connect(recheck, &QPushButton::clicked, this, start);
    return page;
}

QWizardPage* SetupWizard::createRegistryPage()
{
    auto* page = new Page;
    page->setObjectName(QStringLiteral("registryPage"));
    page->setTitle(tr("Image Registry"));
    page->setSubTitle(tr("Remote machines pull the experiment's image from a registry. The password goes into the "
                         "desktop keychain, never into a file."));
    Settings settings;
    m_registry = new QLineEdit(settings.registry());
    m_registry->setObjectName(QStringLiteral("registryEdit"));
    m_registry->setPlaceholderText(tr("e.g. docker.io/alice or 127.0.0.1:5000"));
    m_registryUser = new QLineEdit(settings.registryUser());
    m_registryUser->setObjectName(QStringLiteral("registryUserEdit"));
    m_registryPassword = new QLineEdit;
    m_registryPassword->setObjectName(QStringLiteral("registryPasswordEdit"));
    m_registryPassword->setEchoMode(QLineEdit::Password);
    m_registryPasswordState = makeNote(tr("Checking the keychain…"));
    m_registryPasswordState->setObjectName(QStringLiteral("registryPasswordState"));
    m_testLogin = new QPushButton(tr("&Test Login"));
    m_testLogin->setObjectName(QStringLiteral("testLoginButton"));
    m_loginResult = makeNote(QString());
    m_loginResult->setObjectName(QStringLiteral("loginResult"));
    m_loginResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_testLogin);
    testRow->addWidget(m_loginResult, 1);

    auto* form = new QFormLayout(page);
    form->addRow(tr("&Registry:"), m_registry);
    form->addRow(tr("&User name:"), m_registryUser);
    form->addRow(tr("&Password:"), m_registryPassword);
    form->addRow(QString(), m_registryPasswordState);
    form->addRow(QString(), testRow);
    form->addRow(makeNote(tr("Skip this page if every run stays on this machine.")));
    connect(m_testLogin, &QPushButton::clicked, this, &SetupWizard::testLogin);
    return page;
}

QWizardPage* SetupWizard::createAwsPage()
{
    auto* page = new Page;
    page->setObjectName(QStringLiteral("awsPage"));
    page->setTitle(tr("Amazon Web Services"));
    page->setSubTitle(tr("For the aws backend: the access key Terraform uses to start one machine per condition, "
                         "and where they run by default."));
    Settings settings;
    m_awsKeyId = new QLineEdit;
    m_awsKeyId->setObjectName(QStringLiteral("awsKeyIdEdit"));
    // An access key ID is an identifier (AWS shows it in its console); only the secret key is masked.
    m_awsKeyId->setPlaceholderText(tr("e.g. AKIAIOSFODNN7EXAMPLE"));
    m_awsKeyIdState = makeNote(QString());
    m_awsKeyIdState->setObjectName(QStringLiteral("awsKeyIdState"));
    m_awsSecret = new QLineEdit;
    m_awsSecret->setObjectName(QStringLiteral("awsSecretEdit"));
    m_awsSecret->setEchoMode(QLineEdit::Password);
    m_awsSecretState = makeNote(QString());
    m_awsSecretState->setObjectName(QStringLiteral("awsSecretState"));
    m_region = new QComboBox;
    m_region->setObjectName(QStringLiteral("regionCombo"));
    m_region->setEditable(true);
    m_region->addItems(AwsParameters::commonRegions());
    m_region->setCurrentText(settings.defaultRegion());
    m_instanceType = new QComboBox;
    m_instanceType->setObjectName(QStringLiteral("instanceTypeCombo"));
    m_instanceType->setEditable(true);
    m_instanceType->addItems(AwsParameters::commonInstanceTypes());
    m_instanceType->setCurrentText(settings.defaultInstanceType());

    auto* form = new QFormLayout(page);
    form->addRow(tr("Access &key ID:"), m_awsKeyId);
    form->addRow(QString(), m_awsKeyIdState);
    form->addRow(tr("&Secret access key:"), m_awsSecret);
    form->addRow(QString(), m_awsSecretState);
    form->addRow(tr("Default &region:"), m_region);
    form->addRow(tr("Default &instance type:"), m_instanceType);
    form->addRow(makeNote(tr("In CI, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead; they take precedence.")));
    return page;
}

QWizardPage* SetupWizard::createSshPage()
{
    auto* page = new Page;
    page->setObjectName(QStringLiteral("sshPage"));
    page->setTitle(tr("SSH Key"));
    page->setSubTitle(tr("Logistician reaches its machines with its own SSH key (ed25519, readable only by you)."));
    auto* path = makeNote(QDir::toNativeSeparators(SshKey::privateKeyPath()));
    path->setObjectName(QStringLiteral("sshKeyPath"));
    path->setFont(Theme::monospaceFont());
    path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_sshState = makeNote(QString());
    m_sshState->setObjectName(QStringLiteral("sshKeyState"));
    m_createKey = new QPushButton(tr("&Create Key"));
    m_createKey->setObjectName(QStringLiteral("createKeyButton"));
    auto* row = new QHBoxLayout;
    row->addWidget(m_createKey);
    row->addWidget(m_sshState, 1);
    // An ssh host (backend ssh or slurm) lets the machines in only with this line in its authorized_keys.
    m_publicKey = new QLineEdit;
    m_publicKey->setObjectName(QStringLiteral("sshPublicKey"));
    m_publicKey->setReadOnly(true);
    m_publicKey->setFont(Theme::monospaceFont());
    m_publicKey->setAccessibleName(tr("Public key"));
    m_copyPublicKey = new QPushButton(tr("C&opy Public Key"));
    m_copyPublicKey->setObjectName(QStringLiteral("copyPublicKeyButton"));
    auto* publicRow = new QHBoxLayout;
    publicRow->addWidget(m_publicKey, 1);
    publicRow->addWidget(m_copyPublicKey);
    auto* layout = new QFormLayout(page);
    layout->addRow(tr("Key file:"), path);
    layout->addRow(QString(), row);
    // A label of its own: a row's text beside a layout has no buddy, and would show its "&".
    auto* publicLabel = new QLabel(tr("&Public key:"));
    publicLabel->setBuddy(m_publicKey);
    layout->addRow(publicLabel, publicRow);
    layout->addRow(makeNote(tr("For ssh and slurm hosts: add the public key to ~/.ssh/authorized_keys of the "
                               "account Logistician logs in as. Machines it makes on AWS get it by themselves.")));
    connect(m_createKey, &QPushButton::clicked, this, &SetupWizard::createSshKey);
    connect(m_copyPublicKey, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_publicKey->text()); });
    page->onInitialize = [this] { updateSshState(); };
    return page;
}

QWizardPage* SetupWizard::createSummaryPage()
{
    auto* page = new Page;
    page->setObjectName(QStringLiteral("summaryPage"));
    page->setTitle(tr("Ready"));
    page->setSubTitle(tr("Press Finish to store these settings."));
    m_summary = makeNote(QString());
    m_summary->setObjectName(QStringLiteral("setupSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_saveState = makeNote(QString());
    m_saveState->setObjectName(QStringLiteral("setupSaveState"));
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(m_summary);
    layout->addStretch();
    layout->addWidget(m_saveState);
    page->onInitialize = [this] { updateSummary(); };
    return page;
}

QLineEdit* SetupWizard::secretEdit(CredentialStore::Secret secret) const
{
    switch (secret) {
    case CredentialStore::Secret::RegistryPassword:
        return m_registryPassword;
    case CredentialStore::Secret::AwsAccessKeyId:
        return m_awsKeyId;
    case CredentialStore::Secret::AwsSecretAccessKey:
        return m_awsSecret;
    }
    return nullptr;
}

QLabel* SetupWizard::stateLabel(CredentialStore::Secret secret) const
{
    switch (secret) {
    case CredentialStore::Secret::RegistryPassword:
        return m_registryPasswordState;
    case CredentialStore::Secret::AwsAccessKeyId:
        return m_awsKeyIdState;
    case CredentialStore::Secret::AwsSecretAccessKey:
        return m_awsSecretState;
    }
    return nullptr;
}

void SetupWizard::readCredentialStates()
{
    for (auto secret : { CredentialStore::Secret::RegistryPassword, CredentialStore::Secret::AwsAccessKeyId,
                         CredentialStore::Secret::AwsSecretAccessKey }) {
        QPointer<QLabel> label = stateLabel(secret);
        QPointer<QLineEdit> edit = secretEdit(secret);
        m_store->read(secret, [label, edit, secret](const CredentialStore::Reply& reply) {
            if (!label || !edit)
                return;
            label->setText(CredentialStatus::describe(reply, secret));
            setTone(label, reply.ok() ? 1 : reply.kind() == Result::Kind::NotFound ? 0 : -1);
            // "Leave empty to keep" only when there is something to keep.
            if (reply.ok())
                edit->setPlaceholderText(tr("leave empty to keep the stored one"));
            else if (secret == CredentialStore::Secret::AwsAccessKeyId)
                edit->setPlaceholderText(tr("e.g. AKIAIOSFODNN7EXAMPLE"));
            else
                edit->setPlaceholderText(tr("none stored yet"));
        });
    }
}

void SetupWizard::testLogin()
{
    const QString registry = m_registry->text().trimmed();
    const QString user = m_registryUser->text().trimmed();
    if (registry.isEmpty() || user.isEmpty()) {
        m_loginResult->setText(tr("Enter the registry and the user name first."));
        setTone(m_loginResult, -1);
        return;
    }
    m_testLogin->setEnabled(false);
    m_loginResult->setText(tr("Logging in…"));
    setTone(m_loginResult, 0);
    QPointer<SetupWizard> self(this);
    auto login = [self, registry, user](const QString& password) {
        if (!self)
            return;
        // The registry may carry a repository path (docker.io/alice); docker login wants the host.
        const QString host = registry.section(QLatin1Char('/'), 0, 0);
        // A throwaway client configuration: the tried login's credential goes with it, never into ~/.docker.
        auto config = std::make_shared<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/logistician-docker-XXXXXX"));
        const Command command = Docker::login(QStringLiteral("docker"), host, user, password, config->path());
        AsyncCommand::run(command, self, [self, command, config](const CommandOutcome& o) {
            config->remove();
            const QString text = command.redact(QString::fromUtf8(o.out + o.err).trimmed());
            self->m_testLogin->setEnabled(true);
            if (o.ok()) {
                self->m_loginResult->setText(tr("Login succeeded."));
            } else {
                const QString why = !o.message.isEmpty() ? o.message : text.section(QLatin1Char('\n'), -1);
                self->m_loginResult->setText(tr("Login failed: %1").arg(why));
            }
            setTone(self->m_loginResult, o.ok() ? 1 : -1);
        });
    };
    const QString typed = m_registryPassword->text();
    if (!typed.isEmpty()) {
        login(typed);
        return;
    }
    m_store->read(CredentialStore::Secret::RegistryPassword, [self, login](const CredentialStore::Reply& reply) {
        if (!self)
            return;
        if (!reply.ok()) {
            self->m_testLogin->setEnabled(true);
            self->m_loginResult->setText(tr("Type the password first: none is stored."));
            setTone(self->m_loginResult, -1);
            return;
        }
        login(reply.value);
    });
}

void SetupWizard::updateSshState()
{
    const QString path = SshKey::privateKeyPath();
    QFile publicKey(SshKey::publicKeyPath());
    const QString line
        = publicKey.open(QIODevice::ReadOnly) ? QString::fromUtf8(publicKey.read(16 * 1024)).trimmed() : QString();
    m_publicKey->setText(line);
    m_copyPublicKey->setEnabled(!line.isEmpty());
    if (QFileInfo::exists(path)) {
        m_sshState->setText(tr("The key exists."));
        setTone(m_sshState, 1);
        m_createKey->setEnabled(false);
    } else {
        m_sshState->setText(tr("No key yet."));
        setTone(m_sshState, 0);
        m_createKey->setEnabled(true);
    }
}

void SetupWizard::createSshKey()
{
    const QString path = SshKey::privateKeyPath();
    QDir().mkpath(QFileInfo(path).absolutePath());
    m_createKey->setEnabled(false);
    m_sshState->setText(tr("Creating…"));
    auto* runner = new CommandRunner(this);
    connect(runner, &CommandRunner::finished, this, [this, runner, path](int code, const QString& message) {
        runner->deleteLater();
        if (code == 0 && SshKey::restrictPermissions(path)) {
            updateSshState();
            m_sshState->setText(tr("Created."));
        } else {
            m_sshState->setText(tr("Could not create the key: %1")
                                    .arg(message.isEmpty() ? tr("ssh-keygen exited with %1").arg(code) : message));
            setTone(m_sshState, -1);
            m_createKey->setEnabled(true);
        }
    });
    runner->start(SshKey::generateCommand(path));
}

void SetupWizard::updateSummary()
{
    auto secretLine = [this](CredentialStore::Secret secret) {
        const bool typed = !secretEdit(secret)->text().isEmpty();
        return tr("<li>%1: %2</li>")
            .arg(CredentialStore::label(secret),
                 typed ? tr("<b>will be stored</b> in the keychain") : stateLabel(secret)->text().toHtmlEscaped());
    };
    auto value = [](const QString& v) { return v.isEmpty() ? tr("<i>not set</i>") : v.toHtmlEscaped(); };
    m_summary->setText(tr("<ul>"
                          "<li>Registry: %1, user %2</li>%3%4%5"
                          "<li>Default region %6, instance type %7</li>"
                          "<li>SSH key: %8</li>"
                          "</ul>"
                          "<p>Settings go to %9; secrets only to the keychain.</p>")
                           .arg(value(m_registry->text().trimmed()), value(m_registryUser->text().trimmed()),
                                secretLine(CredentialStore::Secret::RegistryPassword),
                                secretLine(CredentialStore::Secret::AwsAccessKeyId),
                                secretLine(CredentialStore::Secret::AwsSecretAccessKey),
                                value(m_region->currentText().trimmed()),
                                value(m_instanceType->currentText().trimmed()),
                                SshKey::exists() ? tr("present") : tr("not created (you can create it later)"),
                                QDir::toNativeSeparators(AppPaths::settingsFile()).toHtmlEscaped()));
}

void SetupWizard::accept()
{
    if (m_pendingWrites > 0)
        return;
    Settings settings;
    settings.setRegistry(m_registry->text().trimmed());
    settings.setRegistryUser(m_registryUser->text().trimmed());
    if (!m_region->currentText().trimmed().isEmpty())
        settings.setDefaultRegion(m_region->currentText().trimmed());
    if (!m_instanceType->currentText().trimmed().isEmpty())
        settings.setDefaultInstanceType(m_instanceType->currentText().trimmed());
    settings.setSetupDone(true);

    m_writeErrors.clear();
    QList<QPair<CredentialStore::Secret, QString>> writes;
    for (auto secret : { CredentialStore::Secret::RegistryPassword, CredentialStore::Secret::AwsAccessKeyId,
                         CredentialStore::Secret::AwsSecretAccessKey }) {
        if (!secretEdit(secret)->text().isEmpty())
            writes << qMakePair(secret, secretEdit(secret)->text());
    }
    if (writes.isEmpty()) {
        Q_EMIT saved();
        QWizard::accept();
        return;
    }
    m_pendingWrites = writes.size();
    button(QWizard::FinishButton)->setEnabled(false);
    button(QWizard::BackButton)->setEnabled(false);
    m_saveState->setText(tr("Storing in the keychain…"));
    QPointer<SetupWizard> self(this);
    for (const auto& write : std::as_const(writes)) {
        m_store->write(write.first, write.second, [self, secret = write.first](const CredentialStore::Reply& reply) {
            if (!self)
                return;
            if (!reply.ok())
                self->m_writeErrors << tr("%1: %2").arg(CredentialStore::label(secret), reply.message);
            else
                self->secretEdit(secret)->clear();
            if (--self->m_pendingWrites > 0)
                return;
            if (self->m_writeErrors.isEmpty()) {
                Q_EMIT self->saved();
                self->QWizard::accept();
                return;
            }
            self->m_saveState->setText(tr("Not stored: %1").arg(self->m_writeErrors.join(QStringLiteral("; "))));
            setTone(self->m_saveState, -1);
            self->button(QWizard::FinishButton)->setEnabled(true);
            self->button(QWizard::BackButton)->setEnabled(true);
        });
    }
}
