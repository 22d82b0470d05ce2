// SPDX-License-Identifier: GPL-2.0-or-later
// Shared by the libFuzzer targets: turning the fuzz input into text, parts or files, and a
// check that stops the run with a message when a parser breaks its own contract. A broken
// contract is a bug as real as a bad memory access, so it aborts, which libFuzzer records as
// a crash with the input that caused it.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ufc::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// The input cut at NUL bytes: the one byte no line of a text file and no argv element holds,
// so it can separate several inputs while each part stays readable in the seed files.
inline std::vector<std::string_view> split_nul(std::string_view text) {
    std::vector<std::string_view> parts;
    while (true) {
        size_t nul = text.find('\0');
        parts.push_back(text.substr(0, nul));
        if (nul == std::string_view::npos)
            return parts;
        text.remove_prefix(nul + 1);
    }
}

[[noreturn]] inline void broken(const char* file, int line, const char* what) {
    std::fprintf(stderr, "%s:%d: contract broken: %s\n", file, line, what);
    std::abort();
}

#define UFC_FUZZ_REQUIRE(cond)                                                                     \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ::ufc::fuzz::broken(__FILE__, __LINE__, #cond);                                        \
    } while (0)

// A directory made once per fuzzing process, under $TMPDIR (CTest points it into the build
// tree), and removed when the process exits normally.
class ScratchDir {
public:
    ScratchDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "ufc-fuzz-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            std::perror("mkdtemp");
            std::abort();
        }
        path_ = pattern;
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    const std::string& path() const { return path_; }

    void make_dir(const std::string& rel) const {
        if (::mkdir((path_ + "/" + rel).c_str(), 0755) != 0 && errno != EEXIST) {
            std::perror("mkdir");
            std::abort();
        }
    }

    // Replaces the file with one holding `text`, byte for byte. A failure here is the
    // harness's, not the parser's, so it stops the run rather than testing a stale file.
    // A new file each time, not O_TRUNC: ext4 flushes a file truncated and written again
    // when it is closed (auto_da_alloc), which cut the runs to a tenth.
    void write(const std::string& rel, std::string_view text) const {
        std::string path = path_ + "/" + rel;
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
            std::perror(path.c_str());
            std::abort();
        }
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            std::perror(path.c_str());
            std::abort();
        }
        while (!text.empty()) {
            ssize_t n = ::write(fd, text.data(), text.size());
            if (n < 0) {
                std::perror(path.c_str());
                std::abort();
            }
            text.remove_prefix(static_cast<size_t>(n));
        }
        ::close(fd);
    }

private:
    std::string path_;
};

} // namespace ufc::fuzz
