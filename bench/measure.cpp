// SPDX-License-Identifier: GPL-2.0-or-later
// Runs one command many times and prints its median wall time and the peak resident memory of
// the largest single process it started. Part of the benchmark only, never installed.
//
//   measure RUNS WARMUP BEFORE -- PROGRAM [ARG...]
//
// BEFORE is a /bin/sh command run (and not timed) before every run, to put the files back into
// the state the measured command is meant to change; "" runs nothing. Every run must exit 0:
// timing a command that failed would measure the wrong thing, so that stops the benchmark.
// Output, one line: wall median, 10th and 90th percentile in microseconds, then the peak
// resident set in KiB, median and maximum over the runs. The median is what the benchmark
// reports: a program's peak is the same from run to run, and on a busy machine a single run
// was once seen reporting gigabytes for /bin/true.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

struct RunResult {
    bool ok = false;
    long long wall_ns = 0;
    long long max_rss_kib = 0;
};

long long now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

// fork, not posix_spawn: a vfork-style child shares this process's memory until exec, and the
// kernel then records this process's own high-water mark as the child's. After a plain fork
// the child only carries the few pages it touches before exec.
RunResult run(char* const* argv, bool quiet) {
    RunResult result;
    long long start = now_ns();
    pid_t pid = ::fork();
    if (pid < 0) {
        std::perror("measure: fork");
        return result;
    }
    if (pid == 0) {
        if (quiet) {
            int null = ::open("/dev/null", O_WRONLY);
            ::dup2(null, STDOUT_FILENO);
            ::dup2(null, STDERR_FILENO);
        }
        ::execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    // wait4 reports the child together with every descendant it waited for, and for memory
    // it gives the largest single process among them, which is what the benchmark wants.
    while (::wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            std::perror("measure: wait4");
            return result;
        }
    }
    result.wall_ns = now_ns() - start;
    result.max_rss_kib = usage.ru_maxrss;
    result.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!result.ok)
        std::fprintf(stderr, "measure: %s exited with status %d\n", argv[0],
                     WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return result;
}

bool run_before(const std::string& command) {
    if (command.empty())
        return true;
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    return run(const_cast<char* const*>(argv), false).ok;
}

long long percentile(std::vector<long long> values, size_t percent) {
    std::sort(values.begin(), values.end());
    return values[(values.size() - 1) * percent / 100];
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 6 || std::strcmp(argv[4], "--") != 0) {
        std::fprintf(stderr, "usage: measure RUNS WARMUP BEFORE -- PROGRAM [ARG...]\n");
        return 2;
    }
    int runs = std::atoi(argv[1]);
    int warmup = std::atoi(argv[2]);
    std::string before = argv[3];
    char* const* command = argv + 5;
    if (runs < 1 || warmup < 0) {
        std::fprintf(stderr, "measure: RUNS must be at least 1 and WARMUP at least 0\n");
        return 2;
    }

    std::vector<long long> wall;
    std::vector<long long> rss;
    wall.reserve(static_cast<size_t>(runs));
    rss.reserve(static_cast<size_t>(runs));
    for (int i = 0; i < warmup + runs; ++i) {
        if (!run_before(before)) {
            std::fprintf(stderr, "measure: the preparing command failed: %s\n", before.c_str());
            return 1;
        }
        RunResult r = run(command, true);
        if (!r.ok)
            return 1;
        if (i < warmup)
            continue;
        wall.push_back(r.wall_ns);
        rss.push_back(r.max_rss_kib);
    }
    std::printf("%lld %lld %lld %lld %lld\n", percentile(wall, 50) / 1000,
                percentile(wall, 10) / 1000, percentile(wall, 90) / 1000, percentile(rss, 50),
                percentile(rss, 100));
    return 0;
}
