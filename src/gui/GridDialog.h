// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QList>
#include <QPair>
#include <QStringList>
#include <memory>

namespace Ui {
class GridDialog;
}

// "Generate grid": values per key, expanded to their cartesian product.
class GridDialog : public QDialog
{
    Q_OBJECT
public:
    // Prefilled with the keys and distinct values of the current conditions.
    explicit GridDialog(const QStringList& currentConditions, QWidget* parent = nullptr);
    ~GridDialog() override;

    QList<QPair<QString, QStringList>> axes(QString* error = nullptr) const;
    QStringList conditions() const; // the product
    bool replaceExisting() const;

private:
    void addAxis(const QString& key, const QString& values);
    void updatePreview();

    std::unique_ptr<Ui::GridDialog> m_ui;
};
