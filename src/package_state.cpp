// SPDX-License-Identifier: GPL-2.0-or-later
#include "package_state.hpp"

#include "sys_error.hpp"

#include <algorithm>
#include <apt-pkg/error.h>
#include <apt-pkg/fileutl.h>
#include <apt-pkg/tagfile.h>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ufc {
namespace {

struct Word {
    std::string_view word;
    char letter;
};

// dpkg's Status field: "want eflag status"; letters as dpkg-query's db:Status-Abbrev.
constexpr std::array<Word, 5> wants{
    {{"unknown", 'u'}, {"install", 'i'}, {"hold", 'h'}, {"deinstall", 'r'}, {"purge", 'p'}}};
constexpr std::array<Word, 2> eflags{{{"ok", ' '}, {"reinstreq", 'R'}}};
constexpr std::array<Word, 8> states{{{"not-installed", 'n'},
                                      {"config-files", 'c'},
                                      {"half-installed", 'H'},
                                      {"unpacked", 'U'},
                                      {"half-configured", 'F'},
                                      {"triggers-awaited", 'W'},
                                      {"triggers-pending", 't'},
                                      {"installed", 'i'}}};

template <size_t N>
char letter_of(const std::array<Word, N>& table, std::string_view word) {
    for (const Word& w : table)
        if (w.word == word)
            return w.letter;
    return 0;
}

// apt keeps errors in a thread-local stack; take them out so they reach our log and do not
// leak into a later, unrelated check.
std::string drain_apt_errors() {
    std::string all;
    while (!_error->empty()) {
        std::string msg;
        _error->PopMessage(msg);
        if (!all.empty())
            all += "; ";
        all += msg;
    }
    return all;
}

// Line number (1-based) of a byte offset; read again only on the error path.
size_t line_at(const std::string& path, unsigned long long offset) {
    FILE* f = std::fopen(path.c_str(), "re");
    if (!f)
        return 0;
    size_t line = 1;
    for (unsigned long long i = 0; i < offset; ++i) {
        int c = std::fgetc(f);
        if (c == EOF)
            break;
        if (c == '\n')
            ++line;
    }
    std::fclose(f);
    return line;
}

struct Reader {
    std::string package;
    // One stanza per architecture: on a multiarch system dpkg keeps a foreign instance it
    // only knows as not-installed (a selection, what a removal left) beside the real one.
    std::vector<std::pair<std::string, PackageState>> instances;
    bool in_journal = false;
    std::string error;

    // Takes one stanza file; returns false with `error` set when it is unusable.
    bool read(const std::string& path, bool must_exist) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            if (errno == ENOENT && !must_exist)
                return true;
            error = path + ": " + sys_error("stat", errno);
            return false;
        }
        // An empty file cannot be a dpkg database or journal entry: dpkg writes whole
        // stanzas. A last byte other than a newline means the write was cut short.
        if (st.st_size == 0) {
            error = path + ": is empty";
            return false;
        }
        if (!ends_with_newline(path, st.st_size)) {
            error = path + ":" + std::to_string(line_at(path, st.st_size)) +
                    ": truncated (no newline at the end of the file)";
            return false;
        }

        FileFd file;
        if (!file.Open(path, FileFd::ReadOnly, FileFd::None)) {
            error = path + ": " + drain_apt_errors();
            return false;
        }
        pkgTagFile tags(&file);
        pkgTagSection section;
        while (true) {
            unsigned long long offset = tags.Offset();
            if (!tags.Step(section)) {
                if (_error->PendingError()) {
                    error = path + ":" + std::to_string(line_at(path, offset)) + ": " +
                            drain_apt_errors();
                    return false;
                }
                break;
            }
            if (!take(section, path, offset))
                return false;
        }
        drain_apt_errors();
        return true;
    }

    bool ends_with_newline(const std::string& path, off_t size) {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return false;
        char last = 0;
        ssize_t n = ::pread(fd, &last, 1, size - 1);
        ::close(fd);
        return n == 1 && last == '\n';
    }

    bool take(const pkgTagSection& section, const std::string& path, unsigned long long offset) {
        std::string name = section.FindS("Package");
        auto fail = [&](const std::string& what) {
            error = path + ":" + std::to_string(line_at(path, offset)) + ": " + what;
            return false;
        };
        if (name.empty())
            return fail("stanza without a Package field");
        if (name != package)
            return true;
        std::string status = section.FindS("Status");
        std::string abbrev = status_abbrev(status);
        if (abbrev.empty())
            return fail("package " + name + ": malformed Status field \"" + status + "\"");
        std::string version = section.FindS("Version");
        if (version.empty() && abbrev[1] != 'n')
            return fail("package " + name + ": no Version field in state " + status);
        std::string arch = section.FindS("Architecture");
        auto slot = std::find_if(instances.begin(), instances.end(),
                                 [&](const auto& i) { return i.first == arch; });
        // In the journal dpkg records a cross-grade: a stanza of another architecture takes
        // over the package's only present instance instead of getting a slot of its own.
        if (in_journal && section.FindS("Multi-Arch") != "same") {
            auto present = [](const auto& i) { return i.second.abbrev[1] != 'n'; };
            if (std::count_if(instances.begin(), instances.end(), present) == 1)
                slot = std::find_if(instances.begin(), instances.end(), present);
        }
        std::pair<std::string, PackageState> taken{arch, {name, version, status, abbrev}};
        if (slot != instances.end())
            *slot = taken;
        else
            instances.push_back(taken);
        return true;
    }

    // dpkg lets only one instance of a package that is not Multi-Arch: same have files; that
    // is the one the watched files belong to. Failing that, one dpkg still has a version of.
    const PackageState* chosen() const {
        for (const auto& i : instances)
            if (i.second.installed_files())
                return &i.second;
        for (const auto& i : instances)
            if (i.second.abbrev[1] != 'n')
                return &i.second;
        return instances.empty() ? nullptr : &instances.back().second;
    }
};

bool all_digits(const char* s) {
    if (!*s)
        return false;
    for (; *s; ++s)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

} // namespace

bool PackageState::installed_files() const {
    return abbrev.size() >= 2 && abbrev[1] != 'n' && abbrev[1] != 'c';
}

std::string status_abbrev(const std::string& status) {
    std::vector<std::string_view> words;
    std::string_view s = status;
    while (!s.empty()) {
        size_t sp = s.find(' ');
        std::string_view w = s.substr(0, sp);
        if (w.empty())
            return {};
        words.push_back(w);
        if (sp == std::string_view::npos)
            break;
        s.remove_prefix(sp + 1);
        if (s.empty())
            return {};
    }
    if (words.size() != 3)
        return {};
    char want = letter_of(wants, words[0]);
    char eflag = letter_of(eflags, words[1]);
    char state = letter_of(states, words[2]);
    if (!want || !eflag || !state)
        return {};
    std::string abbrev{want, state};
    if (eflag != ' ')
        abbrev += eflag;
    return abbrev;
}

PackageQuery query_package(const std::string& admindir, const std::string& package) {
    Reader reader;
    reader.package = package;
    PackageQuery result;
    if (!reader.read(admindir + "/status", true)) {
        result.error = reader.error;
        return result;
    }

    // dpkg replays its journal in file-name order; the names are all digits, and anything
    // else there (its own "tmp.i" being written, say) is not part of the journal.
    std::string updates = admindir + "/updates";
    std::vector<std::pair<unsigned long long, std::string>> journal;
    if (DIR* dir = ::opendir(updates.c_str())) {
        while (struct dirent* entry = ::readdir(dir))
            if (all_digits(entry->d_name) && std::strlen(entry->d_name) < 19)
                journal.emplace_back(std::stoull(entry->d_name), entry->d_name);
        ::closedir(dir);
    } else if (errno != ENOENT) {
        result.error = updates + ": " + sys_error("opendir", errno);
        return result;
    }
    std::sort(journal.begin(), journal.end());
    reader.in_journal = true;
    for (const auto& entry : journal) {
        if (!reader.read(updates + "/" + entry.second, false)) {
            result.error = reader.error;
            return result;
        }
    }

    if (const PackageState* s = reader.chosen())
        result.state = *s;
    else
        result.state = {package, "", "unknown ok not-installed", "un"};
    return result;
}

} // namespace ufc
