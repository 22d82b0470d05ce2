// SPDX-License-Identifier: GPL-2.0-or-later
// The benchmark's floor: the least a C++ program can do for a run with nothing to change,
// which is to open both watched files and read their capabilities. Linked with libstdc++ and
// libcap only, so its cost is mostly the dynamic loader and libstdc++'s start-up.
//
//   floor ROOT     (reads ROOT/usr/bin/newuidmap and ROOT/usr/bin/newgidmap)
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/capability.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: floor ROOT\n");
        return 2;
    }
    const std::string root = argv[1];
    int failures = 0;
    for (const char* name : {"/usr/bin/newuidmap", "/usr/bin/newgidmap"}) {
        // The same open flags as the program: no symlink, no blocking on a swapped-in fifo.
        std::string path = root + name;
        int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0) {
            std::fprintf(stderr, "floor: %s: open: %s\n", path.c_str(), std::strerror(errno));
            ++failures;
            continue;
        }
        cap_t caps = cap_get_fd(fd);
        if (!caps && errno != ENODATA) {
            std::fprintf(stderr, "floor: %s: cap_get_fd: %s\n", path.c_str(), std::strerror(errno));
            ++failures;
        }
        if (caps)
            cap_free(caps);
        ::close(fd);
    }
    return failures == 0 ? 0 : 1;
}
