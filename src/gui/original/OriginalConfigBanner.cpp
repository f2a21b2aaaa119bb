// SPDX-License-Identifier: MIT
#include "OriginalConfigBanner.h"

#include "Dialogs.h"
#include "original/OriginalConfig.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

OriginalConfigBanner::OriginalConfigBanner(CredentialStore* store, const QString& path, QWidget* parent)
    : QFrame(parent)
    , m_store(store)
    , m_path(path)
{
    setObjectName(QStringLiteral("originalConfigBanner"));
    setFrameShape(QFrame::StyledPanel);
    m_text = new QLabel(tr("Found the original Logistician's settings in %1 (AWS keys in plain text). Import "
                           "them: the keys go into the keychain, the Docker Hub user and repository into the "
                           "settings.")
                            .arg(path));
    m_text->setObjectName(QStringLiteral("originalConfigText"));
    m_text->setWordWrap(true);
    m_import = new QPushButton(tr("&Import"));
    m_import->setObjectName(QStringLiteral("importOriginalButton"));
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_import);
    connect(m_import, &QPushButton::clicked, this, &OriginalConfigBanner::import);
    setVisible(QFileInfo::exists(path));
}

void OriginalConfigBanner::import()
{
    const auto values = OriginalConfig::read(m_path);
    if (!values) {
        m_text->setText(values.message());
        return;
    }
    m_import->setEnabled(false);
    auto* importer = new OriginalConfig(this);
    connect(importer, &OriginalConfig::finished, this, [this, importer](const QStringList& done, const QString& why) {
        importer->deleteLater();
        QString text = tr("Imported: %1.").arg(done.join(QStringLiteral("; ")));
        if (!why.isEmpty()) {
            m_text->setText(text + QLatin1Char(' ') + tr("Stopped: %1").arg(why));
            m_import->setEnabled(true);
            Q_EMIT imported();
            return;
        }
        m_text->setText(text);
        Q_EMIT imported();
        // The keychain holds the keys now; the plain-text copy is the only other one.
        Gui::MessageBox::ask(
            this, QMessageBox::Question, tr("Delete the Plain-Text File?"),
            tr("The AWS keys are in the keychain now. Delete %1, which still holds them in plain text?").arg(m_path),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes, [this, text](QMessageBox::StandardButton answer) {
                if (answer != QMessageBox::Yes) {
                    m_text->setText(text + QLatin1Char(' ') + tr("%1 is left as it is.").arg(m_path));
                    return;
                }
                const Result removed = OriginalConfig::remove(m_path);
                m_text->setText(removed ? text + QLatin1Char(' ') + tr("Deleted %1.").arg(m_path) : removed.message());
            });
    });
    importer->import(*values, m_store);
}
