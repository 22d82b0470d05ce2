// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <sys/stat.h>

namespace ufc {

std::shared_ptr<spdlog::logger> make_logger(Verbosity verbosity, bool use_syslog) {
    std::vector<spdlog::sink_ptr> sinks;
    auto err = std::make_shared<spdlog::sinks::stderr_sink_st>();
    err->set_pattern("%n: %l: %v");
    sinks.push_back(err);

    // Without a socket (container builds, chroots) syslog would only fail on every line;
    // apt keeps stderr in its term.log, so the record survives there.
    struct stat st {};
    if (use_syslog && ::stat("/dev/log", &st) == 0 && S_ISSOCK(st.st_mode)) {
        auto sys = std::make_shared<spdlog::sinks::syslog_sink_st>("uidmap-filecaps", LOG_PID,
                                                                   LOG_AUTH, false);
        sys->set_pattern("%v");
        sinks.push_back(sys);
    }
    auto logger = std::make_shared<spdlog::logger>("uidmap-filecaps", sinks.begin(), sinks.end());
    switch (verbosity) {
    case Verbosity::quiet:
        logger->set_level(spdlog::level::warn);
        break;
    case Verbosity::normal:
        logger->set_level(spdlog::level::info);
        break;
    case Verbosity::verbose:
        logger->set_level(spdlog::level::debug);
        break;
    }
    // A logging failure (stderr closed, disk full behind a redirect) must not abort a run
    // that is changing privileged files half-way; the work matters more than the line.
    logger->set_error_handler([](const std::string&) {});
    return logger;
}

} // namespace ufc
