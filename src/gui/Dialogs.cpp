// SPDX-License-Identifier: MIT
#include "Dialogs.h"

#include <QFileDialog>
#include <QInputDialog>
#include <QPushButton>

namespace Gui {

QMessageBox::StandardButton MessageBox::s_nextAnswer = QMessageBox::NoButton;
QString MessageBox::s_lastText;
QMessageBox::StandardButtons MessageBox::s_lastButtons;
QString FileDialog::s_nextDirectory;
std::optional<QString> TextPrompt::s_nextText;

void MessageBox::setNextAnswer(QMessageBox::StandardButton answer)
{
    s_nextAnswer = answer;
}

QString MessageBox::lastText()
{
    return s_lastText;
}

QMessageBox::StandardButtons MessageBox::lastButtons()
{
    return s_lastButtons;
}

void MessageBox::ask(QWidget* parent, QMessageBox::Icon icon, const QString& title, const QString& text,
                     QMessageBox::StandardButtons buttons, QMessageBox::StandardButton defaultButton, Done done,
                     const QString& details, const ButtonNames& names)
{
    s_lastText = text;
    s_lastButtons = buttons;
    if (s_nextAnswer != QMessageBox::NoButton) {
        const auto answer = s_nextAnswer;
        s_nextAnswer = QMessageBox::NoButton;
        if (done)
            done(answer);
        return;
    }
    auto* box = new QMessageBox(icon, title, text, buttons, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(parent ? Qt::WindowModal : Qt::ApplicationModal);
    box->setDefaultButton(defaultButton);
    if (!details.isEmpty())
        box->setInformativeText(details);
    for (const auto& [button, name] : names) {
        if (QAbstractButton* b = box->button(button))
            b->setText(name);
    }
    QObject::connect(box, &QMessageBox::finished, box, [box, done](int) {
        QAbstractButton* clicked = box->clickedButton();
        const auto answer = clicked ? box->standardButton(clicked) : QMessageBox::Cancel;
        if (done)
            done(answer == QMessageBox::NoButton ? QMessageBox::Cancel : answer);
    });
    box->open();
}

void MessageBox::tell(QWidget* parent, QMessageBox::Icon icon, const QString& title, const QString& text)
{
    ask(parent, icon, title, text, QMessageBox::Ok, QMessageBox::Ok, nullptr);
}

void FileDialog::setNextDirectory(const QString& dir)
{
    s_nextDirectory = dir;
}

void FileDialog::chooseDirectory(QWidget* parent, const QString& title, const QString& startDir,
                                 std::function<void(const QString&)> done)
{
    if (!s_nextDirectory.isEmpty()) {
        const QString dir = s_nextDirectory;
        s_nextDirectory.clear();
        done(dir);
        return;
    }
    auto* dialog = new QFileDialog(parent, title, startDir);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog, [done](const QString& dir) { done(dir); });
    dialog->open();
}

void TextPrompt::setNextText(const QString& text)
{
    s_nextText = text;
}

void TextPrompt::ask(QWidget* parent, const QString& title, const QString& label,
                     std::function<void(const QString&)> done)
{
    if (s_nextText) {
        const QString text = *s_nextText;
        s_nextText.reset();
        done(text);
        return;
    }
    auto* dialog = new QInputDialog(parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(title);
    dialog->setLabelText(label);
    dialog->setInputMode(QInputDialog::TextInput);
    QObject::connect(dialog, &QInputDialog::textValueSelected, dialog, [done](const QString& text) { done(text); });
    dialog->open();
}

} // namespace Gui
