// SPDX-License-Identifier: GPL-2.0-or-later
// The only place that exits.
#include "cli.hpp"

#include <cstdio>
#include <exception>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// A privileged program started with stdin, stdout or stderr closed would hand those numbers
// to the first files it opens, and a log line could then be written into a binary. Point any
// closed one at /dev/null before anything else is opened.
bool ensure_standard_fds() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1)
            continue;
        int null = ::open("/dev/null", O_RDWR | O_NOCTTY);
        if (null < 0)
            return false;
        if (null != fd) {
            // open returned a higher number, so `fd` is still free and was not this one.
            ::close(null);
            return false;
        }
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    if (!ensure_standard_fds())
        return ufc::exit_cannot_run;
    umask(022);

    ufc::ParsedCli cli = ufc::parse_cli(std::vector<std::string>(argv + 1, argv + argc));
    if (!cli.output.empty())
        std::fputs(cli.output.c_str(), cli.output_is_error ? stderr : stdout);
    if (!cli.command)
        return cli.status;
    try {
        return cli.command->run(cli.options);
    } catch (const std::exception& e) {
        // Expected failures are values; this is for the unexpected (out of memory, say).
        std::fprintf(stderr, "uidmap-filecaps: error: %s\n", e.what());
        return ufc::exit_cannot_run;
    }
}
