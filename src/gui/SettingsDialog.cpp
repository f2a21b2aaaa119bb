// SPDX-License-Identifier: MIT
#include "SettingsDialog.h"

#include "CredentialStatus.h"
#include "Dialogs.h"
#include "ParameterSchema.h"
#include "Settings.h"
#include "Theme.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace {
const QList<CredentialStore::Secret> AllSecrets { CredentialStore::Secret::RegistryPassword,
                                                  CredentialStore::Secret::AwsAccessKeyId,
                                                  CredentialStore::Secret::AwsSecretAccessKey };

void setTone(QLabel* label, int tone)
{
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText,
               tone > 0       ? Theme::successText(p)
                   : tone < 0 ? Theme::errorText(p)
                              : Theme::mutedText(p));
    label->setPalette(p);
}
} // namespace

SettingsDialog::SettingsDialog(CredentialStore* store, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_registry(new QLineEdit)
    , m_registryUser(new QLineEdit)
    , m_region(new QComboBox)
    , m_instanceType(new QComboBox)
    , m_defaultsProblem(new QLabel)
    , m_terminal(new QLineEdit)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings and Credentials"));
    setMinimumWidth(620);

    auto* credentials = new QGroupBox(tr("Credentials"));
    auto* credentialsLayout = new QVBoxLayout(credentials);
    auto* note
        = new QLabel(tr("Kept in the desktop keychain (service \"%1\"), never shown and never written to a file.")
                         .arg(store->service()));
    note->setWordWrap(true);
    credentialsLayout->addWidget(note);
    for (auto secret : AllSecrets)
        credentialsLayout->addWidget(createCredentialRow(secret));

    auto* general = new QGroupBox(tr("Registry and Defaults"));
    auto* form = new QFormLayout(general);
    Settings settings;
    m_registry->setObjectName(QStringLiteral("settingsRegistryEdit"));
    m_registry->setText(settings.registry());
    m_registry->setPlaceholderText(tr("e.g. docker.io/alice"));
    m_registryUser->setObjectName(QStringLiteral("settingsRegistryUserEdit"));
    m_registryUser->setText(settings.registryUser());
    // The lists setup offers; another value may be typed, and is checked by the aws keys' own rules.
    m_region->setObjectName(QStringLiteral("settingsRegionEdit"));
    m_region->setEditable(true);
    m_region->addItems(ParameterSchema::key(QStringLiteral("aws_region")).suggestions);
    m_region->setCurrentText(settings.defaultRegion());
    m_instanceType->setObjectName(QStringLiteral("settingsInstanceTypeEdit"));
    m_instanceType->setEditable(true);
    m_instanceType->addItems(ParameterSchema::key(QStringLiteral("aws_instance_type")).suggestions);
    m_instanceType->setCurrentText(settings.defaultInstanceType());
    m_defaultsProblem->setObjectName(QStringLiteral("settingsDefaultsProblem"));
    m_defaultsProblem->setTextFormat(Qt::PlainText);
    m_defaultsProblem->setWordWrap(true);
    m_defaultsProblem->hide();
    m_terminal->setObjectName(QStringLiteral("settingsTerminalEdit"));
    m_terminal->setText(settings.terminalCommand());
    form->addRow(tr("&Registry:"), m_registry);
    form->addRow(tr("Registry &user:"), m_registryUser);
    form->addRow(tr("AWS re&gion:"), m_region);
    form->addRow(tr("&Instance type:"), m_instanceType);
    form->addRow(QString(), m_defaultsProblem);
    form->addRow(tr("&Terminal:"), m_terminal);
    for (QLineEdit* edit : { m_registry, m_registryUser, m_region->lineEdit(), m_instanceType->lineEdit(), m_terminal })
        connect(edit, &QLineEdit::editingFinished, this, &SettingsDialog::saveSettings);
    for (QComboBox* combo : { m_region, m_instanceType })
        connect(combo, &QComboBox::activated, this, &SettingsDialog::saveSettings);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QPushButton* wizard = buttons->addButton(tr("Run Setup &Wizard…"), QDialogButtonBox::ActionRole);
    wizard->setObjectName(QStringLiteral("runSetupWizardButton"));
    connect(wizard, &QPushButton::clicked, this, [this] {
        saveSettings();
        Q_EMIT setupWizardRequested();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, [this] {
        saveSettings();
        reject();
    });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(credentials);
    layout->addWidget(general);
    layout->addStretch();
    layout->addWidget(buttons);
    refreshStates();
}

QWidget* SettingsDialog::createCredentialRow(CredentialStore::Secret secret)
{
    const QString key = CredentialStore::keyName(secret);
    Row row;
    auto* widget = new QWidget;
    auto* layout = new QVBoxLayout(widget);
    layout->setContentsMargins(0, 4, 0, 4);
    auto* top = new QHBoxLayout;
    auto* name = new QLabel(QStringLiteral("<b>%1</b>").arg(CredentialStore::label(secret)));
    name->setMinimumWidth(180);
    row.state = new QLabel(tr("Checking…"));
    row.state->setObjectName(QStringLiteral("credentialState_") + key);
    row.state->setWordWrap(true);
    row.replace = new QPushButton(tr("Replace…"));
    row.replace->setObjectName(QStringLiteral("replaceButton_") + key);
    row.remove = new QPushButton(tr("Remove"));
    row.remove->setObjectName(QStringLiteral("removeButton_") + key);
    row.remove->setEnabled(false);
    top->addWidget(name);
    top->addWidget(row.state, 1);
    top->addWidget(row.replace);
    top->addWidget(row.remove);

    row.editor = new QWidget;
    auto* editorLayout = new QHBoxLayout(row.editor);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    row.edit = new QLineEdit;
    row.edit->setObjectName(QStringLiteral("credentialEdit_") + key);
    // An access key ID is an identifier, shown as typed; the secret key and the password are masked.
    if (secret != CredentialStore::Secret::AwsAccessKeyId)
        row.edit->setEchoMode(QLineEdit::Password);
    row.edit->setPlaceholderText(tr("new value"));
    row.store = new QPushButton(tr("Store"));
    row.store->setObjectName(QStringLiteral("storeButton_") + key);
    auto* cancel = new QPushButton(tr("Cancel"));
    cancel->setObjectName(QStringLiteral("cancelButton_") + key);
    editorLayout->addSpacing(180);
    editorLayout->addWidget(row.edit, 1);
    editorLayout->addWidget(row.store);
    editorLayout->addWidget(cancel);
    row.editor->hide();
    layout->addLayout(top);
    layout->addWidget(row.editor);

    connect(row.replace, &QPushButton::clicked, this, [this, secret] {
        Row& r = m_rows[static_cast<int>(secret)];
        r.editor->show();
        r.edit->setFocus();
    });
    connect(cancel, &QPushButton::clicked, this, [this, secret] {
        Row& r = m_rows[static_cast<int>(secret)];
        r.edit->clear();
        r.editor->hide();
    });
    connect(row.store, &QPushButton::clicked, this, [this, secret] { storeSecret(secret); });
    connect(row.edit, &QLineEdit::returnPressed, this, [this, secret] { storeSecret(secret); });
    connect(row.remove, &QPushButton::clicked, this, [this, secret] { removeSecret(secret); });
    m_rows.insert(static_cast<int>(secret), row);
    return widget;
}

void SettingsDialog::refreshStates()
{
    for (auto secret : AllSecrets)
        refreshState(secret);
}

void SettingsDialog::refreshState(CredentialStore::Secret secret)
{
    QPointer<SettingsDialog> self(this);
    m_store->read(secret, [self, secret](const CredentialStore::Reply& reply) {
        if (!self)
            return;
        const Row& row = self->m_rows[static_cast<int>(secret)];
        row.state->setText(CredentialStatus::describe(reply, secret));
        setTone(row.state, reply.ok() ? 1 : reply.kind() == Result::Kind::NotFound ? 0 : -1);
        // A value from the environment cannot be removed here; one in the keychain can.
        row.remove->setEnabled(reply.ok() && !reply.fromEnvironment);
        row.replace->setText(reply.ok() ? tr("Replace…") : tr("Set…"));
        Q_EMIT self->stateRefreshed(secret, reply.ok());
    });
}

void SettingsDialog::storeSecret(CredentialStore::Secret secret)
{
    Row& row = m_rows[static_cast<int>(secret)];
    const QString value = row.edit->text();
    if (value.isEmpty())
        return;
    row.store->setEnabled(false);
    row.state->setText(tr("Storing…"));
    QPointer<SettingsDialog> self(this);
    m_store->write(secret, value, [self, secret](const CredentialStore::Reply& reply) {
        if (!self)
            return;
        Row& r = self->m_rows[static_cast<int>(secret)];
        r.store->setEnabled(true);
        if (!reply.ok()) {
            r.state->setText(tr("Not stored: %1").arg(reply.message));
            setTone(r.state, -1);
            return;
        }
        r.edit->clear();
        r.editor->hide();
        self->refreshState(secret);
    });
}

void SettingsDialog::removeSecret(CredentialStore::Secret secret)
{
    QPointer<SettingsDialog> self(this);
    Gui::MessageBox::ask(this, QMessageBox::Question, tr("Remove Credential"),
                         tr("Remove the %1 from the keychain?").arg(CredentialStore::label(secret).toLower()),
                         QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                         [self, secret](QMessageBox::StandardButton answer) {
                             if (!self || answer != QMessageBox::Yes)
                                 return;
                             self->m_rows[static_cast<int>(secret)].state->setText(tr("Removing…"));
                             self->m_store->remove(secret, [self, secret](const CredentialStore::Reply& reply) {
                                 if (!self)
                                     return;
                                 if (!reply.ok()) {
                                     Row& r = self->m_rows[static_cast<int>(secret)];
                                     r.state->setText(tr("Not removed: %1").arg(reply.message));
                                     setTone(r.state, -1);
                                     return;
                                 }
                                 self->refreshState(secret);
                             });
                         });
}

void SettingsDialog::saveSettings()
{
    Settings settings;
    if (settings.registry() != m_registry->text().trimmed())
        settings.setRegistry(m_registry->text().trimmed());
    if (settings.registryUser() != m_registryUser->text().trimmed())
        settings.setRegistryUser(m_registryUser->text().trimmed());
    const QString region = m_region->currentText().trimmed();
    const QString type = m_instanceType->currentText().trimmed();
    QStringList problems;
    if (!region.isEmpty() && !ParameterSchema::key(QStringLiteral("aws_region")).rule(region).isEmpty())
        problems << tr("\"%1\" is not an AWS region such as eu-central-1; not saved.").arg(region);
    else if (!region.isEmpty() && settings.defaultRegion() != region)
        settings.setDefaultRegion(region);
    if (!type.isEmpty() && !ParameterSchema::key(QStringLiteral("aws_instance_type")).rule(type).isEmpty())
        problems << tr("\"%1\" is not an instance type such as c6i.large; not saved.").arg(type);
    else if (!type.isEmpty() && settings.defaultInstanceType() != type)
        settings.setDefaultInstanceType(type);
    m_defaultsProblem->setText(problems.join(QLatin1Char('\n')));
    m_defaultsProblem->setVisible(!problems.isEmpty());
    setTone(m_defaultsProblem, -1);
    if (!m_terminal->text().trimmed().isEmpty() && settings.terminalCommand() != m_terminal->text().trimmed())
        settings.setTerminalCommand(m_terminal->text().trimmed());
}
