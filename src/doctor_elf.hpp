// SPDX-License-Identifier: GPL-2.0-or-later
// The shared libraries an ELF program asks for (its DT_NEEDED entries), read from the file's
// bytes alone. The doctor uses it to tell Debian's newuidmap (setuid, no libcap) from a build
// that drops its privileges. Nothing is loaded or run; every offset is checked against the
// image, so a hostile or truncated file gives an error, never a crash (fuzzed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ufc::doctor {

struct ElfNeeded {
    enum class Kind {
        dynamic,   // `needed` holds every DT_NEEDED name, in file order
        static_,   // an ELF file without a dynamic section: links nothing at run time
        not_elf,   // a script or something else; `error` says what
        malformed, // an ELF file whose headers point outside it; `error` says where
    };
    Kind kind = Kind::not_elf;
    std::vector<std::string> needed;
    std::string error;
};

// `image` is the file's content from offset 0 (a prefix is fine: what lies past it is
// reported as malformed).
ElfNeeded elf_needed(std::string_view image);

// Whether the program links libcap ("libcap.so.N" among its DT_NEEDED entries; libcap-ng is
// a different library and does not count).
bool links_libcap(const ElfNeeded& elf);

} // namespace ufc::doctor
