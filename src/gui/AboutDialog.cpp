#include "AboutDialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

AboutDialog::AboutDialog(QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About Logistician"));
    auto* icon = new QLabel;
    icon->setPixmap(QApplication::windowIcon().pixmap(96, 96));
    icon->setAlignment(Qt::AlignTop);
    auto* name = new QLabel(QStringLiteral("<h2>Logistician</h2>"));
    auto* version = new QLabel(tr("Version %1").arg(QStringLiteral(LOGISTICIAN_VERSION)));
    version->setObjectName(QStringLiteral("versionLabel"));
    version->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* text = new QLabel(tr("<p>From a first local run of a computational experiment in Docker to a sweep of "
                               "conditions in the cloud, one machine per condition, and back.</p>"
                               "<p>Every command it runs (docker, terraform, git, ssh, rsync) is shown in the command "
                               "log, secrets redacted, so you can copy it and run it by hand.</p>"
                               "<p><small>Built with Qt %1, running on Qt %2.</small></p>")
                                .arg(QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
    text->setWordWrap(true);
    text->setMinimumWidth(360);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* column = new QVBoxLayout;
    column->addWidget(name);
    column->addWidget(version);
    column->addWidget(text);
    auto* row = new QHBoxLayout;
    row->addWidget(icon);
    row->addSpacing(12);
    row->addLayout(column, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(buttons);
}
