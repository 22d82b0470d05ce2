// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers shared by the unit tests: a throwaway directory, writing fixture files, and
// running a real Debian tool (dpkg-query, dpkg-statoverride) to compare against.
#pragma once

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace ufc::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at scope exit.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "ufc-unit-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::filesystem::filesystem_error(
                "mkdtemp", pattern, std::error_code(errno, std::generic_category()));
        path_ = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    const std::string& path() const { return path_; }
    std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

private:
    std::string path_;
};

// Writes `text` byte for byte (no newline added), creating parent directories.
inline void write_file(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw std::runtime_error("cannot write " + path);
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct CommandResult {
    bool found = true; // false: the program is not installed
    int status = -1;   // exit status, or -1 when killed by a signal
    std::string out;   // standard output; standard error is left to the test log
};

// Runs argv[0] from PATH without a shell, so fixture paths need no quoting.
inline CommandResult run_command(const std::vector<std::string>& argv) {
    CommandResult result;
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe2 failed");
    // The child reports a failed exec through a second pipe: "not installed" must be told
    // apart from "ran and failed", because only the first may turn into a skip.
    int execfd[2];
    if (::pipe2(execfd, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe2 failed");
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(pipefd[1], STDOUT_FILENO);
        std::vector<char*> args;
        for (const std::string& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        int err = errno;
        (void)!::write(execfd[1], &err, sizeof err);
        ::_exit(127);
    }
    ::close(pipefd[1]);
    ::close(execfd[1]);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0)
        result.out.append(buf, static_cast<size_t>(n));
    ::close(pipefd[0]);
    int exec_errno = 0;
    if (::read(execfd[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno)
        result.found = exec_errno != ENOENT;
    ::close(execfd[0]);
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    result.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    return result;
}

// dpkg is Essential on Debian; in CI its absence is a broken runner, not a reason to skip.
inline bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci && std::string(ci) == "true";
}

} // namespace ufc::test

// Skips (or fails under CI=true) when a real tool the test compares against is missing.
#define UFC_REQUIRE_TOOL(result, name)                                                             \
    do {                                                                                           \
        if (!(result).found) {                                                                     \
            if (ufc::test::in_ci())                                                                \
                FAIL() << name << " is not installed; CI must provide it";                         \
            GTEST_SKIP() << name << " is not installed, so there is nothing real to compare with"; \
        }                                                                                          \
    } while (0)
