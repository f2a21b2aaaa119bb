// SPDX-License-Identifier: MIT
#include "AboutDialog.h"

#include "version/BuildInfo.h"

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
    auto* commit = new QLabel(QStringLiteral("<small>%1</small>").arg(BuildInfo::commitLine().toHtmlEscaped()));
    commit->setObjectName(QStringLiteral("commitLabel"));
    commit->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* text = new QLabel(tr("<p>From a first local run of a computational experiment in Docker to a sweep of "
                               "conditions in the cloud, one machine per condition, and back.</p>"
                               "<p>Every command it runs (docker, terraform, git, ssh, rsync) is shown in the command "
                               "log, secrets redacted, so you can copy it and run it by hand.</p>"
                               "<p><small>Built with Qt %1, running on Qt %2.</small></p>"
                               "<p><small>Copyright (c) The Logistician developers. Free software under the MIT "
                               "License, as the original Logistician was: see the LICENSE file "
                               "(/usr/share/doc/logistician/copyright when installed as a package).</small></p>")
                                .arg(QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
    text->setObjectName(QStringLiteral("aboutText"));
    text->setWordWrap(true);
    text->setMinimumWidth(360);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* column = new QVBoxLayout;
    column->addWidget(name);
    column->addWidget(version);
    column->addWidget(commit);
    column->addWidget(text);
    auto* row = new QHBoxLayout;
    row->addWidget(icon);
    row->addSpacing(12);
    row->addLayout(column, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(buttons);
}
