// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

// Help > About: the version (LOGISTICIAN_VERSION, set once in CMakeLists.txt), what it is, the Qt it runs on.
class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AboutDialog(QWidget* parent = nullptr);
};
