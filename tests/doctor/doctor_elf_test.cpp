// SPDX-License-Identifier: GPL-2.0-or-later
// Reading DT_NEEDED: on real programs built for the test (one dynamic, one static, and this
// test itself, which links libcap), and on small images laid out here in both ELF classes
// and byte orders, whole, truncated at every length and with broken pointers.
#include "doctor_elf.hpp"

#include <cstdint>
#include <fstream>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <iterator>
#include <sstream>

namespace ufc::doctor {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// A minimal dynamic ELF image: header, two program headers (PT_LOAD over the whole file and
// PT_DYNAMIC), the dynamic section, then the string table.
class ElfImage {
public:
    ElfImage(bool wide, bool big, std::vector<std::string> needed) : wide_(wide), big_(big) {
        const uint64_t word = wide ? 8 : 4;
        const uint64_t ehsize = wide ? 64 : 52, phentsize = wide ? 56 : 32;
        const uint64_t dyn_at = ehsize + 2 * phentsize;
        const uint64_t entries = needed.size() + 3; // + DT_STRTAB, DT_STRSZ, DT_NULL
        const uint64_t str_at = dyn_at + entries * 2 * word;
        std::string strings(1, '\0');
        std::vector<uint64_t> offsets;
        for (const std::string& n : needed) {
            offsets.push_back(strings.size());
            strings += n + '\0';
        }
        bytes_.assign(str_at + strings.size(), '\0');
        bytes_.replace(0, 4,
                       "\x7f"
                       "ELF");
        bytes_[4] = wide ? 2 : 1;
        bytes_[5] = big ? 2 : 1;
        bytes_[6] = 1;
        put(wide ? 0x20 : 0x1c, ehsize, word); // e_phoff
        put(wide ? 0x36 : 0x2a, phentsize, 2); // e_phentsize
        put(wide ? 0x38 : 0x2c, 2, 2);         // e_phnum
        program_header(ehsize, 1, 0, bytes_.size());
        program_header(ehsize + phentsize, 2, dyn_at, entries * 2 * word);
        uint64_t at = dyn_at;
        auto dyn = [&](uint64_t tag, uint64_t value) {
            put(at, tag, word);
            put(at + word, value, word);
            at += 2 * word;
        };
        for (uint64_t o : offsets)
            dyn(1, o);
        strtab_entry_ = at;
        dyn(5, vaddr + str_at);
        dyn(10, strings.size());
        dyn(0, 0);
        bytes_.replace(str_at, strings.size(), strings);
    }

    static constexpr uint64_t vaddr = 0x400000;
    std::string bytes_;
    uint64_t strtab_entry_ = 0; // where the DT_STRTAB entry sits

    void put(uint64_t offset, uint64_t value, uint64_t size) {
        for (uint64_t i = 0; i < size; ++i) {
            uint64_t shift = 8 * (big_ ? size - 1 - i : i);
            bytes_[offset + i] = static_cast<char>((value >> shift) & 0xff);
        }
    }

private:
    void program_header(uint64_t at, uint64_t type, uint64_t offset, uint64_t size) {
        const uint64_t word = wide_ ? 8 : 4;
        put(at, type, 4);
        put(at + (wide_ ? 8 : 4), offset, word);          // p_offset
        put(at + (wide_ ? 16 : 8), vaddr + offset, word); // p_vaddr
        put(at + (wide_ ? 32 : 16), size, word);          // p_filesz
        put(at + (wide_ ? 40 : 20), size, word);          // p_memsz
    }
    bool wide_, big_;
};

TEST(ElfNeeded, ReadsBothClassesAndByteOrders) {
    for (bool wide : {true, false})
        for (bool big : {false, true}) {
            ElfImage image(wide, big, {"libcap.so.2", "libc.so.6"});
            ElfNeeded e = elf_needed(image.bytes_);
            ASSERT_EQ(e.kind, ElfNeeded::Kind::dynamic) << wide << big << e.error;
            EXPECT_THAT(e.needed, ElementsAre("libcap.so.2", "libc.so.6"));
            EXPECT_TRUE(links_libcap(e));
        }
}

TEST(ElfNeeded, LibcapNgIsNotLibcap) {
    ElfNeeded e = elf_needed(ElfImage(true, false, {"libcap-ng.so.0", "libc.so.6"}).bytes_);
    ASSERT_EQ(e.kind, ElfNeeded::Kind::dynamic);
    EXPECT_FALSE(links_libcap(e));
}

TEST(ElfNeeded, EveryTruncationIsAnErrorNeverACrash) {
    const std::string whole = ElfImage(true, false, {"libcap.so.2"}).bytes_;
    for (size_t len = 0; len < whole.size(); ++len) {
        ElfNeeded e = elf_needed(std::string_view(whole).substr(0, len));
        EXPECT_TRUE(e.kind == ElfNeeded::Kind::malformed || e.kind == ElfNeeded::Kind::not_elf)
            << "prefix of " << len << " bytes";
        EXPECT_FALSE(e.error.empty());
    }
}

TEST(ElfNeeded, BrokenPointersAreReported) {
    ElfImage bad_strtab(true, false, {"libcap.so.2"});
    bad_strtab.put(bad_strtab.strtab_entry_ + 8, 0x10, 8); // below every segment
    EXPECT_EQ(elf_needed(bad_strtab.bytes_).kind, ElfNeeded::Kind::malformed);

    ElfImage bad_name(true, false, {"libcap.so.2"});
    bad_name.put(64 + 2 * 56 + 8, 1000, 8); // first DT_NEEDED past the string table
    EXPECT_THAT(elf_needed(bad_name.bytes_).error, HasSubstr("past the string table"));

    ElfImage no_end(true, false, {"libcap.so.2"});
    no_end.put(64 + 56 + 32, 16, 8); // PT_DYNAMIC's size: one entry, no DT_NULL in it
    EXPECT_THAT(elf_needed(no_end.bytes_).error, HasSubstr("DT_NULL"));

    ElfImage many(true, false, {"libcap.so.2"});
    many.put(0x38, 0xffff, 2);
    EXPECT_EQ(elf_needed(many.bytes_).kind, ElfNeeded::Kind::malformed);

    ElfImage far(true, false, {"libcap.so.2"});
    far.put(0x20, ~uint64_t{0} - 8, 8); // e_phoff near the end of the address space
    EXPECT_EQ(elf_needed(far.bytes_).kind, ElfNeeded::Kind::malformed);
}

TEST(ElfNeeded, ScriptsAndOtherFilesAreNotElf) {
    ElfNeeded script = elf_needed("#!/bin/sh\nexec true\n");
    EXPECT_EQ(script.kind, ElfNeeded::Kind::not_elf);
    EXPECT_THAT(script.error, HasSubstr("script"));
    EXPECT_EQ(elf_needed("").kind, ElfNeeded::Kind::not_elf);
}

TEST(ElfNeeded, RealPrograms) {
    // This test links libcap through the program's own library.
    ElfNeeded self = elf_needed(slurp("/proc/self/exe"));
    ASSERT_EQ(self.kind, ElfNeeded::Kind::dynamic) << self.error;
    EXPECT_TRUE(links_libcap(self));

    ElfNeeded plain = elf_needed(slurp(UFC_SAMPLE_DYNAMIC));
    ASSERT_EQ(plain.kind, ElfNeeded::Kind::dynamic) << plain.error;
    EXPECT_THAT(plain.needed, ::testing::Contains(HasSubstr("libc.so")));
    EXPECT_FALSE(links_libcap(plain));

    EXPECT_EQ(elf_needed(slurp(UFC_SAMPLE_STATIC)).kind, ElfNeeded::Kind::static_);
}

} // namespace
} // namespace ufc::doctor
