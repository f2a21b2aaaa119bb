// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QMessageBox>
#include <QPair>
#include <QString>
#include <functional>
#include <optional>

class QWidget;

// Message boxes, folder choosers and text prompts that never run a nested
// event loop: each opens window-modal and calls back with the answer. Tests
// answer the next one in advance (as KeePassXC's MessageBox::setNextAnswer),
// and then no window is shown at all.
namespace Gui {

class MessageBox
{
public:
    using Done = std::function<void(QMessageBox::StandardButton)>;
    // Buttons that say what they do ("Initialise" on Yes) instead of the standard word.
    using ButtonNames = QList<QPair<QMessageBox::StandardButton, QString>>;

    static void ask(QWidget* parent, QMessageBox::Icon icon, const QString& title, const QString& text,
                    QMessageBox::StandardButtons buttons, QMessageBox::StandardButton defaultButton, Done done,
                    const QString& details = QString(), const ButtonNames& names = ButtonNames());
    // A note with an OK button; nothing waits for it.
    static void tell(QWidget* parent, QMessageBox::Icon icon, const QString& title, const QString& text);

    static void setNextAnswer(QMessageBox::StandardButton answer);
    // The text of the last message asked or told (for tests and the status bar).
    static QString lastText();
    // The buttons the last question offered.
    static QMessageBox::StandardButtons lastButtons();

private:
    static QMessageBox::StandardButton s_nextAnswer;
    static QString s_lastText;
    static QMessageBox::StandardButtons s_lastButtons;
};

class FileDialog
{
public:
    // Calls done with the chosen folder, or not at all when cancelled.
    static void chooseDirectory(QWidget* parent, const QString& title, const QString& startDir,
                                std::function<void(const QString&)> done);
    static void setNextDirectory(const QString& dir);

private:
    static QString s_nextDirectory;
};

class TextPrompt
{
public:
    // Calls done with the text typed, or not at all when cancelled.
    static void ask(QWidget* parent, const QString& title, const QString& label,
                    std::function<void(const QString&)> done);
    static void setNextText(const QString& text);

private:
    static std::optional<QString> s_nextText;
};

} // namespace Gui
