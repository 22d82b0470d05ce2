// SPDX-License-Identifier: GPL-2.0-or-later
#include "doctor_elf.hpp"

#include <cstdint>
#include <optional>

namespace ufc::doctor {
namespace {

// Field offsets from the System V ABI (elf.h), for the two classes.
constexpr unsigned char elf_class32 = 1, elf_class64 = 2;
constexpr unsigned char elf_data_lsb = 1, elf_data_msb = 2;
constexpr uint32_t pt_load = 1, pt_dynamic = 2;
constexpr uint64_t dt_null = 0, dt_needed = 1, dt_strtab = 5, dt_strsz = 10;
// e_phnum's escape value: the real count then hides in section header 0, which no
// program loader in use today produces for a dynamic executable.
constexpr uint64_t pn_xnum = 0xffff;
// Real programs have a dozen program headers and a few dozen dynamic entries; the caps only
// bound the work a hostile file can ask for.
constexpr uint64_t max_program_headers = 4096;
constexpr size_t max_needed = 1024;

class Reader {
public:
    Reader(std::string_view image, bool big_endian) : image_(image), big_(big_endian) {}

    // An unsigned field of `size` bytes at `offset`, or nullopt when it lies outside.
    std::optional<uint64_t> get(uint64_t offset, unsigned size) const {
        if (offset > image_.size() || image_.size() - offset < size)
            return std::nullopt;
        uint64_t value = 0;
        for (unsigned i = 0; i < size; ++i) {
            auto byte = static_cast<unsigned char>(image_[offset + (big_ ? i : size - 1 - i)]);
            value = (value << 8) | byte;
        }
        return value;
    }

    // The NUL-terminated string at `offset`, which must end before `limit`.
    std::optional<std::string> string_at(uint64_t offset, uint64_t limit) const {
        limit = std::min<uint64_t>(limit, image_.size());
        if (offset >= limit)
            return std::nullopt;
        size_t end = image_.find('\0', offset);
        if (end == std::string_view::npos || end >= limit)
            return std::nullopt;
        return std::string(image_.substr(offset, end - offset));
    }

private:
    std::string_view image_;
    bool big_;
};

struct Segment {
    uint64_t offset = 0, vaddr = 0, filesz = 0;
};

// The file offset holding virtual address `vaddr`, through the loadable segments: that is
// where the loader itself would find the string table DT_STRTAB points at.
std::optional<uint64_t> file_offset(const std::vector<Segment>& loads, uint64_t vaddr) {
    for (const Segment& s : loads)
        if (vaddr >= s.vaddr && vaddr - s.vaddr < s.filesz)
            return s.offset + (vaddr - s.vaddr);
    return std::nullopt;
}

ElfNeeded malformed(std::string why) {
    ElfNeeded out;
    out.kind = ElfNeeded::Kind::malformed;
    out.error = std::move(why);
    return out;
}

} // namespace

ElfNeeded elf_needed(std::string_view image) {
    if (image.size() < 16 || image.substr(0, 4) != "\x7f"
                                                   "ELF") {
        ElfNeeded out;
        out.error =
            image.substr(0, 2) == "#!" ? "a script, not an ELF program" : "not an ELF program";
        return out;
    }
    const auto cls = static_cast<unsigned char>(image[4]);
    const auto data = static_cast<unsigned char>(image[5]);
    if ((cls != elf_class32 && cls != elf_class64) ||
        (data != elf_data_lsb && data != elf_data_msb))
        return malformed("unknown ELF class or byte order");
    const bool wide = cls == elf_class64;
    const Reader r(image, data == elf_data_msb);
    const unsigned word = wide ? 8 : 4;

    auto phoff = r.get(wide ? 0x20 : 0x1c, word);
    auto phentsize = r.get(wide ? 0x36 : 0x2a, 2);
    auto phnum = r.get(wide ? 0x38 : 0x2c, 2);
    if (!phoff || !phentsize || !phnum)
        return malformed("truncated ELF header");
    if (*phnum == pn_xnum || *phnum > max_program_headers)
        return malformed("unsupported program header count");
    if (*phnum > 0 && *phentsize < (wide ? 56u : 32u))
        return malformed("program header entries too small");

    std::vector<Segment> loads;
    std::optional<Segment> dynamic;
    for (uint64_t i = 0; i < *phnum; ++i) {
        const uint64_t at = *phoff + i * *phentsize;
        if (at < *phoff)
            return malformed("program header table wraps around");
        auto type = r.get(at, 4);
        auto offset = r.get(at + (wide ? 8 : 4), word);
        auto vaddr = r.get(at + (wide ? 16 : 8), word);
        auto filesz = r.get(at + (wide ? 32 : 16), word);
        if (!type || !offset || !vaddr || !filesz)
            return malformed("program header " + std::to_string(i) + " lies outside the file");
        Segment s{*offset, *vaddr, *filesz};
        if (*type == pt_load)
            loads.push_back(s);
        else if (*type == pt_dynamic && !dynamic)
            dynamic = s;
    }
    if (!dynamic) {
        ElfNeeded out;
        out.kind = ElfNeeded::Kind::static_;
        return out;
    }

    if (dynamic->offset > image.size())
        return malformed("dynamic section lies outside the file");
    // Walk the dynamic section up to DT_NULL, keeping the needed names' string offsets.
    std::vector<uint64_t> name_offsets;
    std::optional<uint64_t> strtab, strsz;
    const unsigned entry = 2 * word;
    bool ended = false;
    for (uint64_t at = 0; at + entry <= dynamic->filesz; at += entry) {
        auto tag = r.get(dynamic->offset + at, word);
        auto value = r.get(dynamic->offset + at + word, word);
        if (!tag || !value)
            return malformed("dynamic section lies outside the file");
        if (*tag == dt_null) {
            ended = true;
            break;
        }
        if (*tag == dt_needed) {
            if (name_offsets.size() == max_needed)
                return malformed("too many DT_NEEDED entries");
            name_offsets.push_back(*value);
        } else if (*tag == dt_strtab) {
            strtab = value;
        } else if (*tag == dt_strsz) {
            strsz = value;
        }
    }
    if (!ended)
        return malformed("dynamic section has no DT_NULL end");
    ElfNeeded out;
    out.kind = ElfNeeded::Kind::dynamic;
    if (name_offsets.empty())
        return out;
    if (!strtab || !strsz)
        return malformed("DT_NEEDED without a string table");
    auto table = file_offset(loads, *strtab);
    if (!table || *table >= image.size())
        return malformed("string table address is in no loadable part of the file");
    for (uint64_t name : name_offsets) {
        if (name >= *strsz)
            return malformed("DT_NEEDED name lies past the string table");
        auto text = r.string_at(*table + name, *table + *strsz);
        if (!text)
            return malformed("DT_NEEDED name is not terminated inside the string table");
        out.needed.push_back(std::move(*text));
    }
    return out;
}

bool links_libcap(const ElfNeeded& elf) {
    for (const std::string& name : elf.needed)
        if (name.starts_with("libcap.so"))
            return true;
    return false;
}

} // namespace ufc::doctor
