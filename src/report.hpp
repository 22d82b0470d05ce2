// SPDX-License-Identifier: GPL-2.0-or-later
// Report: the logger (stderr, and syslog where a socket exists) and the text shapes of
// before/after lines. Nothing else in the program writes to stderr.
#pragma once

#include <memory>
#include <spdlog/logger.h>

namespace ufc {

enum class Verbosity { quiet, normal, verbose };

// One line per event on stderr, "uidmap-filecaps: LEVEL: message", and the same message to
// syslog (facility auth) when `use_syslog`. Either destination failing never stops the work.
std::shared_ptr<spdlog::logger> make_logger(Verbosity verbosity, bool use_syslog);

} // namespace ufc
