// SPDX-License-Identifier: MIT
#include "NewExperimentWizard.h"

#include "AppPaths.h"
#include "ExperimentCreator.h"
#include "Parameters.h"
#include "Theme.h"
#include "git/GitRepository.h"

#include <QComboBox>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>

namespace {

class Page : public QWizardPage
{
public:
    std::function<bool()> complete;
    bool isComplete() const override { return complete ? complete() : true; }
    void changed() { Q_EMIT completeChanged(); }
};

void setTone(QLabel* label, bool bad)
{
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, bad ? Theme::errorText(p) : Theme::mutedText(p));
    label->setPalette(p);
}

QString templateCommand(const QString& templateName)
{
    const auto params = Parameters::load(AppPaths::templatesDir() + QStringLiteral("/experiment/") + templateName
                                         + QStringLiteral("/parameters.json"));
    return params ? params->experimentCommand() : QString();
}

} // namespace

NewExperimentWizard::NewExperimentWizard(const QString& projectDir, QWidget* parent)
    : QWizard(parent)
    , m_name(new QLineEdit)
    , m_nameStatus(new QLabel)
    , m_template(new QComboBox)
    , m_gitUrl(new QLineEdit)
    , m_command(new QLineEdit)
    , m_error(new QLabel)
{
    setObjectName(QStringLiteral("newExperimentWizard"));
    setWindowTitle(tr("New Experiment"));
    setWizardStyle(QWizard::ModernStyle);
    setMinimumSize(620, 440);
    m_projectRoot = ExperimentCreator::projectRootFor(projectDir).valueOr(QString());
    if (m_projectRoot.isEmpty())
        m_projectRoot = projectDir;

    auto* namePage = new Page;
    namePage->setObjectName(QStringLiteral("namePage"));
    namePage->setTitle(tr("Name and Template"));
    namePage->setSubTitle(tr("The experiment becomes experiments/NAME/ in %1, with a Dockerfile and a "
                             "parameters.json.")
                              .arg(QDir::toNativeSeparators(m_projectRoot)));
    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_name->setPlaceholderText(tr("e.g. rnn-1"));
    m_nameStatus->setObjectName(QStringLiteral("nameStatus"));
    m_nameStatus->setWordWrap(true);
    m_template->setObjectName(QStringLiteral("templateCombo"));
    m_template->addItems(ExperimentCreator::templates());
    const int shell = m_template->findText(QStringLiteral("shell"));
    if (shell >= 0)
        m_template->setCurrentIndex(shell);
    auto* nameForm = new QFormLayout(namePage);
    nameForm->addRow(tr("Na&me:"), m_name);
    nameForm->addRow(QString(), m_nameStatus);
    nameForm->addRow(tr("&Template:"), m_template);
    namePage->complete = [this] { return checkName(); };
    connect(m_name, &QLineEdit::textChanged, namePage, [namePage] { namePage->changed(); });

    auto* detailsPage = new Page;
    detailsPage->setObjectName(QStringLiteral("detailsPage"));
    detailsPage->setTitle(tr("Code and Command"));
    detailsPage->setSubTitle(tr("Where the code lives and what runs. The command runs in /project (the folder "
                                "holding experiments/); each condition's words are its arguments."));
    m_gitUrl->setObjectName(QStringLiteral("gitUrlEdit"));
    if (auto repo = GitRepository::discover(m_projectRoot).valueOr(nullptr))
        m_gitUrl->setText(repo->remoteUrl(QStringLiteral("origin")));
    m_gitUrl->setPlaceholderText(tr("optional: origin has none"));
    m_gitUrl->setToolTip(tr("Written into the image as its source (org.opencontainers.image.source), so an image "
                            "found later leads back to its code. Nothing is pushed or cloned."));
    m_command->setObjectName(QStringLiteral("commandEdit"));
    m_command->setFont(Theme::monospaceFont());
    m_error->setObjectName(QStringLiteral("createError"));
    m_error->setWordWrap(true);
    setTone(m_error, true);
    auto* detailsForm = new QFormLayout(detailsPage);
    detailsForm->addRow(tr("Git &remote:"), m_gitUrl);
    auto* remoteNote = new QLabel(tr("Recorded in the image as where its code comes from; optional."));
    remoteNote->setWordWrap(true);
    detailsForm->addRow(QString(), remoteNote);
    detailsForm->addRow(tr("&Command:"), m_command);
    detailsForm->addRow(m_error);
    auto updateCommandHint = [this] { m_command->setPlaceholderText(templateCommand(m_template->currentText())); };
    connect(m_template, &QComboBox::currentTextChanged, this, updateCommandHint);
    updateCommandHint();

    setPage(NamePage, namePage);
    setPage(DetailsPage, detailsPage);
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("finishButton"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("nextButton"));
    checkName();
}

bool NewExperimentWizard::checkName()
{
    const QString name = m_name->text().trimmed();
    if (name.isEmpty()) {
        m_nameStatus->setText(tr("Letters, digits, '-', '_' or '.'; unique in the project."));
        setTone(m_nameStatus, false);
        return false;
    }
    const Result ok = ExperimentCreator::checkName(m_projectRoot, name);
    if (!ok) {
        m_nameStatus->setText(ok.message());
        setTone(m_nameStatus, true);
        return false;
    }
    m_nameStatus->setText(tr("experiments/%1 — image logistician/%2").arg(name, name.toLower()));
    setTone(m_nameStatus, false);
    return true;
}

void NewExperimentWizard::accept()
{
    ExperimentCreator::Options options;
    options.projectRoot = m_projectRoot;
    options.name = m_name->text().trimmed();
    options.gitUrl = m_gitUrl->text().trimmed();
    options.command = m_command->text().trimmed();
    options.templateName = m_template->currentText();
    const ResultOf<ExperimentCreator::Created> result = ExperimentCreator::create(options);
    if (!result) {
        m_error->setText(result.message());
        return;
    }
    Q_EMIT created(result->experimentDir);
    QWizard::accept();
}
