#include "ServerProcess.h"

#include "Wait.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QRegularExpression>
#include <csignal>

namespace tickscope::test {

namespace {
const QRegularExpression bannerPattern(u"streaming on ws://127\\.0\\.0\\.1:(\\d+)/v1/stream"_qs);
} // namespace

ServerProcess::ServerProcess() : m_tempDir(std::make_unique<QTemporaryDir>()) {}

ServerProcess::~ServerProcess()
{
    if (isRunning())
        kill();
}

QString ServerProcess::binary()
{
    return qEnvironmentVariable("TICKSCOPE_BINARY");
}

void ServerProcess::setEnvironment(const QString &name, const QString &value)
{
    m_env.insert(name, value);
}

QProcessEnvironment ServerProcess::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Keep the user's settings file and any TICKSCOPE_ variable of the outer shell out.
    for (const QString &name : env.keys()) {
        if (name.startsWith(u"TICKSCOPE_"_qs) && name != u"TICKSCOPE_BINARY"_qs &&
            name != u"TICKSCOPE_SOURCE_DIR"_qs) {
            env.remove(name);
        }
    }
    env.insert(u"XDG_CONFIG_HOME"_qs, m_tempDir->filePath(u"config"_qs));
    for (auto it = m_env.cbegin(); it != m_env.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

bool ServerProcess::start(const QStringList &args, const QString &dataDir, int timeoutMs)
{
    m_error.clear();
    if (isRunning()) {
        m_error = u"already running"_qs;
        return false;
    }
    if (binary().isEmpty()) {
        m_error = u"TICKSCOPE_BINARY is not set"_qs;
        return false;
    }
    if (!m_tempDir->isValid()) {
        m_error = u"no temporary directory"_qs;
        return false;
    }
    if (!dataDir.isEmpty())
        m_dataDir = dataDir;
    else if (m_dataDir.isEmpty())
        m_dataDir = m_tempDir->filePath(u"data"_qs);
    m_args = args;
    return restart(timeoutMs);
}

bool ServerProcess::restart(int timeoutMs)
{
    m_error.clear();
    if (isRunning()) {
        m_error = u"already running"_qs;
        return false;
    }
    m_out.clear();
    m_err.clear();
    m_port = 0;
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(environment());
    m_process->setProgram(binary());
    m_process->setArguments(QStringList{u"--headless"_qs, u"--listen"_qs, u"127.0.0.1:0"_qs,
                                        u"--feed"_qs, u"none"_qs, u"--data-dir"_qs, m_dataDir} +
                            m_args);
    m_process->start();
    if (!m_process->waitForStarted(timeoutMs)) {
        m_error = u"cannot start %1: %2"_qs.arg(binary(), m_process->errorString());
        return false;
    }
    const bool announced = waitUntil(
        [this] {
            collectOutput();
            const auto match = bannerPattern.match(QString::fromUtf8(m_out));
            if (match.hasMatch())
                m_port = quint16(match.captured(1).toUInt());
            return m_port != 0 || m_process->state() == QProcess::NotRunning;
        },
        timeoutMs);
    if (m_port == 0) {
        collectOutput();
        m_error = announced ? u"the server exited early (code %1): %2"_qs.arg(m_process->exitCode())
                                  .arg(QString::fromUtf8(m_err))
                            : u"no banner in time; stderr: %1"_qs.arg(QString::fromUtf8(m_err));
        return false;
    }
    bool ready = false;
    const QDeadlineTimer deadline(timeoutMs);
    while (!ready && isRunning() && !deadline.hasExpired()) {
        ready = httpGet("/readyz", {}, 5000).status == 200;
        if (!ready)
            spin(50);
    }
    if (!ready || !isRunning()) {
        collectOutput();
        m_error = u"/readyz did not answer 200; stderr: %1"_qs.arg(QString::fromUtf8(m_err));
        return false;
    }
    return true;
}

CliResult ServerProcess::runCli(const QStringList &args, int timeoutMs) const
{
    CliResult result;
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(binary(), args);
    if (!process.waitForStarted(timeoutMs))
        return result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        return result;
    }
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    if (process.exitStatus() == QProcess::NormalExit)
        result.exitCode = process.exitCode();
    return result;
}

QString ServerProcess::mintToken(const QString &sub, const QString &scopes, const QString &ttl,
                                 const QStringList &symbols, const QString &tier)
{
    QStringList args{u"token"_qs,   u"--data-dir"_qs, m_dataDir,   u"--sub"_qs, sub,
                     u"--scope"_qs, scopes,           u"--ttl"_qs, ttl};
    if (!symbols.isEmpty())
        args << u"--symbols"_qs << symbols.join(u',');
    if (!tier.isEmpty())
        args << u"--tier"_qs << tier;
    const CliResult result = runCli(args);
    const QString token = QString::fromUtf8(result.out).trimmed();
    if (result.exitCode != 0 || token.count(u'.') != 2) {
        m_error = u"tickscope token failed (%1): %2"_qs.arg(result.exitCode)
                      .arg(QString::fromUtf8(result.err));
        return {};
    }
    return token;
}

bool ServerProcess::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

qint64 ServerProcess::pid() const
{
    return m_process ? m_process->processId() : 0;
}

QUrl ServerProcess::url() const
{
    return QUrl(u"ws://127.0.0.1:%1/v1/stream"_qs.arg(m_port));
}

HttpReply ServerProcess::httpGet(const QByteArray &target, const HttpHeaders &headers,
                                 int timeoutMs) const
{
    return HttpClient::get(m_port, target, headers, timeoutMs);
}

HttpReply ServerProcess::httpSend(const QByteArray &request, int timeoutMs) const
{
    return HttpClient::send(m_port, request, timeoutMs);
}

void ServerProcess::terminate()
{
    if (isRunning())
        ::kill(pid_t(m_process->processId()), SIGTERM);
}

void ServerProcess::kill()
{
    if (!m_process)
        return;
    if (isRunning()) {
        ::kill(pid_t(m_process->processId()), SIGKILL);
        m_process->waitForFinished(30000);
    }
    collectOutput();
}

int ServerProcess::waitForExit(int timeoutMs)
{
    if (!m_process)
        return -1;
    waitUntil([this] { return !isRunning(); }, timeoutMs);
    collectOutput();
    if (isRunning() || m_process->exitStatus() != QProcess::NormalExit)
        return -1;
    return m_process->exitCode();
}

QProcess::ExitStatus ServerProcess::exitStatus() const
{
    return m_process ? m_process->exitStatus() : QProcess::CrashExit;
}

void ServerProcess::collectOutput()
{
    if (!m_process)
        return;
    m_out += m_process->readAllStandardOutput();
    m_err += m_process->readAllStandardError();
}

QByteArray ServerProcess::stdoutText() const
{
    const_cast<ServerProcess *>(this)->collectOutput();
    return m_out;
}

QByteArray ServerProcess::stderrText() const
{
    const_cast<ServerProcess *>(this)->collectOutput();
    return m_err;
}

qint64 ServerProcess::rssBytes() const
{
    if (!isRunning())
        return -1;
    QFile status(u"/proc/%1/status"_qs.arg(pid()));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) {
            const QList<QByteArray> parts = line.simplified().split(' ');
            return parts.value(1).toLongLong() * 1024;
        }
    }
    return -1;
}

QByteArray ServerProcess::metricsText() const
{
    return httpGet("/metrics/system").body;
}

std::optional<double> ServerProcess::metric(const QString &series) const
{
    return metricIn(metricsText(), series);
}

std::optional<double> ServerProcess::metricIn(const QByteArray &text, const QString &series)
{
    const QByteArray wanted = series.toUtf8() + ' ';
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(wanted)) {
            bool ok = false;
            const double value = line.sliced(wanted.size()).trimmed().toDouble(&ok);
            if (ok)
                return value;
        }
    }
    return std::nullopt;
}

} // namespace tickscope::test
