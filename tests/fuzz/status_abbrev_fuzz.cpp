// SPDX-License-Identifier: GPL-2.0-or-later
// status_abbrev() on any text: it must accept exactly the Status values dpkg writes, "want
// eflag state" with one blank between the words, and name each with dpkg-query's letters.
// The check rebuilds the field from the letters, so a value accepted with a stray blank,
// a wrong word or a wrong letter breaks the round trip.
#include "fuzz_support.hpp"
#include "package_state.hpp"

#include <string>
#include <string_view>

namespace {

struct Letter {
    char letter;
    std::string_view word;
};

// dpkg-query(1), db:Status-Abbrev: the words each letter stands for, written out again here
// rather than taken from the code under test, so that a wrong pairing there shows.
constexpr Letter wants[] = {
    {'u', "unknown"}, {'i', "install"}, {'h', "hold"}, {'r', "deinstall"}, {'p', "purge"}};
constexpr Letter states[] = {{'n', "not-installed"},    {'c', "config-files"},
                             {'H', "half-installed"},   {'U', "unpacked"},
                             {'F', "half-configured"},  {'W', "triggers-awaited"},
                             {'t', "triggers-pending"}, {'i', "installed"}};

template <size_t N>
std::string word_of(const Letter (&table)[N], char letter) {
    for (const Letter& l : table)
        if (l.letter == letter)
            return std::string(l.word);
    return {};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string status(ufc::fuzz::as_text(data, size));
    std::string abbrev = ufc::status_abbrev(status);
    if (abbrev.empty())
        return 0;
    UFC_FUZZ_REQUIRE(abbrev.size() == 2 || (abbrev.size() == 3 && abbrev[2] == 'R'));
    std::string want = word_of(wants, abbrev[0]);
    std::string state = word_of(states, abbrev[1]);
    UFC_FUZZ_REQUIRE(!want.empty() && !state.empty());
    std::string eflag = abbrev.size() == 3 ? "reinstreq" : "ok";
    UFC_FUZZ_REQUIRE(status == want + " " + eflag + " " + state);
    return 0;
}
