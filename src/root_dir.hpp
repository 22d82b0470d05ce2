// SPDX-License-Identifier: GPL-2.0-or-later
// The root the program works in: "/" or an image or chroot given with --root.
#pragma once

#include "unique_fd.hpp"

#include <string>

namespace ufc {

struct RootDir {
    std::string path = "/"; // as given; every other path is taken below it
    UniqueFd fd;            // opened once, so a later rename of the root cannot redirect us

    // "/usr/bin/x" under root "/srv/img" -> "/srv/img/usr/bin/x"; only for messages and for
    // the few reads (dpkg database, account files) that need no descriptor walk.
    std::string under(const std::string& absolute) const {
        if (path == "/")
            return absolute;
        return (path.back() == '/' ? path.substr(0, path.size() - 1) : path) + absolute;
    }
};

} // namespace ufc
