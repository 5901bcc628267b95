#include "ServerProcess.h"

#include "ChildProcess.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>

namespace tickscope::bench {

ServerProcess::~ServerProcess()
{
    stop();
}

QString ServerProcess::defaultBinary()
{
    return QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(u"../app/tickscope"_qs);
}

bool ServerProcess::start(const QString &binary, const QString &store,
                          const QStringList &extraArguments, int timeoutMs, QString *error)
{
    const QFileInfo info(binary);
    if (!info.isFile() || !info.isExecutable()) {
        *error = u"server binary \"%1\" is not an executable file (build the `tickscope` "
                 "target, or pass --server PATH)"_qs.arg(binary);
        return false;
    }
    m_binary = info.absoluteFilePath();
    m_dir = std::make_unique<QTemporaryDir>(QDir::temp().filePath(u"tickscope-bench-XXXXXX"_qs));
    if (!m_dir->isValid()) {
        *error = u"cannot create a temporary data directory: %1"_qs.arg(m_dir->errorString());
        return false;
    }
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(environment());
    m_process->setProgram(m_binary);
    QStringList arguments{
        u"--data-dir"_qs, m_dir->path(),           u"--listen"_qs, u"127.0.0.1:0"_qs, u"--feed"_qs,
        u"none"_qs,       u"--handshake-limit"_qs, u"0"_qs,        u"--store"_qs,     store};
    if (!m_desktop)
        arguments.prepend(u"--headless"_qs);
    m_process->setArguments(arguments + extraArguments);
    m_process->setStandardOutputFile(m_dir->filePath(u"server.log"_qs));
    m_process->setStandardErrorFile(m_dir->filePath(u"server.log"_qs), QIODevice::Append);
    m_process->start();
    if (!m_process->waitForStarted(10000)) {
        *error = u"cannot start %1: %2"_qs.arg(m_binary, m_process->errorString());
        return false;
    }
    static const QRegularExpression streaming(u"streaming on (ws://\\S+)"_qs);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        QFile log(m_dir->filePath(u"server.log"_qs));
        if (log.open(QIODevice::ReadOnly)) {
            const auto match = streaming.match(QString::fromUtf8(log.readAll()));
            if (match.hasMatch()) {
                m_url = QUrl(match.captured(1));
                return true;
            }
        }
        if (m_process->state() == QProcess::NotRunning) {
            *error =
                u"the server exited (code %1) before listening:\n%2"_qs.arg(m_process->exitCode())
                    .arg(logTail());
            return false;
        }
        QThread::msleep(20);
    }
    *error = u"the server did not print its URL within %1 ms:\n%2"_qs.arg(timeoutMs).arg(logTail());
    return false;
}

QByteArray ServerProcess::mintToken(const QString &scope, QString *error) const
{
    QProcess token;
    token.setProcessEnvironment(environment());
    token.start(m_binary,
                {u"token"_qs, u"--data-dir"_qs, m_dir->path(), u"--sub"_qs, u"tickscope-bench"_qs,
                 u"--scope"_qs, scope, u"--tier"_qs, u"unlimited"_qs, u"--ttl"_qs, u"2h"_qs});
    if (!token.waitForFinished(30000) || token.exitStatus() != QProcess::NormalExit ||
        token.exitCode() != 0) {
        *error = u"`tickscope token` failed: %1"_qs.arg(
            QString::fromUtf8(token.readAllStandardError()).trimmed());
        return {};
    }
    return token.readAllStandardOutput().trimmed();
}

QProcessEnvironment ServerProcess::environment() const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (auto it = m_environment.cbegin(); it != m_environment.cend(); ++it)
        environment.insert(it.key(), it.value());
    return environment;
}

int ServerProcess::stop(int timeoutMs)
{
    return m_process ? ChildProcess::stop(*m_process, timeoutMs) : 0;
}

QString ServerProcess::logTail(int lines) const
{
    if (!m_dir)
        return {};
    QFile log(m_dir->filePath(u"server.log"_qs));
    if (!log.open(QIODevice::ReadOnly))
        return {};
    // The server prints a viewer token at start: never pass a token on into a report.
    static const QRegularExpression jwt(u"eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"_qs);
    QString text = QString::fromUtf8(log.readAll());
    text.replace(jwt, u"<token>"_qs);
    const QStringList all = text.split(u'\n');
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n');
}

} // namespace tickscope::bench
