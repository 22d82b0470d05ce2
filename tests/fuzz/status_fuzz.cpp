// SPDX-License-Identifier: GPL-2.0-or-later
// query_package() on a dpkg status file holding the fuzz input. This is the path dpkg's
// database takes into the program: libapt-pkg's tag-file reader, then our own checks of
// the stanza (Package, Status, Version, Architecture) and the file-and-line error messages.
#include "fuzz_support.hpp"
#include "package_state.hpp"
#include "query_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // One admindir per process: creating a directory for every input would measure mkdir.
    static const ufc::fuzz::ScratchDir admin;
    admin.write("status", ufc::fuzz::as_text(data, size));
    ufc::fuzz::check_query(ufc::query_package(admin.path(), "uidmap"), admin.path() + "/status");
    return 0;
}
