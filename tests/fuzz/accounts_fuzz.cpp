// SPDX-License-Identifier: GPL-2.0-or-later
// The passwd and group parsers on any text. Two read the same files: accounts.cpp resolves
// the owner of a statoverride entry for apply, and the doctor's account_by_name and
// account_by_uid find whose subordinate ids to check. If they disagreed on who a user is,
// apply and doctor would talk about different accounts, so the target checks both on the
// same text and stops at the first disagreement. It also reads the text through Accounts,
// as apply does, from an etc folder: the id it returns must be the one in the file.
#include "accounts.hpp"
#include "doctor_subids.hpp"
#include "fuzz_support.hpp"

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = ufc::fuzz::as_text(data, size);

    // The names to look up: what the first lines start with, plus ones every system has.
    // A few lines are enough for the mutations to reach every branch; each name costs two
    // scans of the whole text, and more would only slow the run.
    std::vector<std::string_view> names{"root", "nobody", ""};
    std::string_view rest = text;
    for (int i = 0; i < 6 && !rest.empty(); ++i) {
        size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        names.push_back(line.substr(0, line.find(':')));
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    }

    // Accounts holds ids at the kernel's width. An id too wide for it must be refused, not
    // cut down: "4294967296" read as uid 0 would make a statoverride name root, where glibc
    // skips the line and dpkg-statoverride knows no such user.
    static const ufc::fuzz::ScratchDir etc;
    etc.write("passwd", text);
    etc.write("group", text);
    ufc::Accounts accounts(etc.path());
    for (std::string_view name : names) {
        std::optional<unsigned long> id = ufc::id_of_name(text, name);
        bool fits = id && *id <= 0xfffffffe; // the widest id an account can have
        std::optional<uid_t> uid = accounts.uid(name);
        std::optional<gid_t> gid = accounts.gid(name);
        UFC_FUZZ_REQUIRE(uid.has_value() == fits && (!uid || *uid == *id));
        UFC_FUZZ_REQUIRE(gid.has_value() == fits && (!gid || *gid == *id));
    }

    std::vector<unsigned long> ids{0, 1000, 65534};
    for (std::string_view name : names) {
        std::optional<unsigned long> id = ufc::id_of_name(text, name);
        std::optional<ufc::doctor::Account> account = ufc::doctor::account_by_name(text, name);
        UFC_FUZZ_REQUIRE(id.has_value() == account.has_value());
        if (!id)
            continue;
        UFC_FUZZ_REQUIRE(!name.empty());
        UFC_FUZZ_REQUIRE(account->name == name && account->uid == *id);
        ids.push_back(*id);
    }
    for (unsigned long id : ids) {
        std::optional<std::string> name = ufc::name_of_id(text, id);
        std::optional<ufc::doctor::Account> account = ufc::doctor::account_by_uid(text, id);
        UFC_FUZZ_REQUIRE(name.has_value() == account.has_value());
        if (!name)
            continue;
        UFC_FUZZ_REQUIRE(account->name == *name && account->uid == id);
        // The first entry with that id has a name that leads back to an entry, which need
        // not be the same one: two lines may share a name.
        UFC_FUZZ_REQUIRE(ufc::id_of_name(text, *name).has_value());
    }
    return 0;
}
