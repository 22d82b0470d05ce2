// SPDX-License-Identifier: GPL-2.0-or-later
// Build-time generator: triggers/watched -> the program's built-in table and the package's
// dpkg triggers file. Both come from one parse, so they cannot disagree.
#include "watched.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace {

// The table is C++ source: escape what could end a string literal.
std::string literal(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: ufc-gen-watched WATCHED TABLE.cpp TRIGGERS\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << argv[1] << ": cannot read\n";
        return 1;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    ufc::WatchedParseResult parsed = ufc::parse_watched(buffer.str());
    for (const std::string& e : parsed.errors)
        std::cerr << argv[1] << ": " << e << '\n';
    if (!parsed.errors.empty())
        return 1;

    std::ofstream table(argv[2]);
    table << "// Generated from triggers/watched by ufc-gen-watched. Do not edit.\n"
          << "#include \"watched.hpp\"\n\nnamespace ufc {\n\n"
          << "std::span<const WatchedFile> builtin_watched() {\n"
          << "    static const WatchedFile files[] = {\n";
    for (const ufc::WatchedFile& f : parsed.files)
        table << "        {" << literal(f.package) << ", " << literal(f.path) << ", "
              << literal(f.capability) << "},\n";
    table << "    };\n    return files;\n}\n\n} // namespace ufc\n";

    // noawait: with plain "interest" dpkg leaves uidmap triggers-awaited until our postinst
    // ran, so uidmap would not satisfy dependencies in the meantime.
    std::ofstream triggers(argv[3]);
    triggers << "# Generated from triggers/watched at build time.\n";
    for (const ufc::WatchedFile& f : parsed.files)
        triggers << "interest-noawait " << f.path << '\n';
    return table && triggers ? 0 : 1;
}
