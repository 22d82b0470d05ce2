// SPDX-License-Identifier: GPL-2.0-or-later
// parse_cli() on any argument vector: the input cut at NUL bytes, the one byte no argv
// element can hold. dpkg hands the trigger names it was given straight to the program, so
// the arguments are outside input like any file. Besides not crashing or throwing: either a
// command was chosen and nothing is printed, or nothing runs and there is text saying why.
#include "cli.hpp"
#include "fuzz_support.hpp"

#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<std::string> args;
    if (size > 0)
        for (std::string_view part : ufc::fuzz::split_nul(ufc::fuzz::as_text(data, size)))
            args.emplace_back(part);

    ufc::ParsedCli parsed = ufc::parse_cli(args);
    if (parsed.command) {
        UFC_FUZZ_REQUIRE(parsed.status == ufc::exit_ok && parsed.output.empty());
        UFC_FUZZ_REQUIRE(!parsed.options.root.empty());
    } else {
        UFC_FUZZ_REQUIRE(!parsed.output.empty());
        UFC_FUZZ_REQUIRE(parsed.output_is_error == (parsed.status != ufc::exit_ok));
        UFC_FUZZ_REQUIRE(parsed.status == ufc::exit_ok || parsed.status == ufc::exit_usage);
    }
    return 0;
}
