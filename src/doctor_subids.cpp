// SPDX-License-Identifier: GPL-2.0-or-later
#include "doctor_subids.hpp"

#include "text_lines.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fmt/format.h>

namespace ufc::doctor {
namespace {

// Podman maps container ids 0-65535; images own files up to 65534 (nobody).
constexpr uint64_t wanted_ids = 65536;
// Where useradd starts handing out subordinate ids (SUB_UID_MIN in login.defs).
constexpr uint64_t first_free_candidate = 100000;
// The overflow id: the kernel shows every unmapped id as 65534, and Debian's nobody and
// nogroup own nothing, so a range covering it gives nobody's files to no one.
constexpr uint64_t overflow_id = 65534;

std::optional<uint64_t> decimal(std::string_view text) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// A line quoted in an error message: short, and nothing that could upset a terminal.
std::string quoted(std::string_view line) {
    std::string out;
    for (char c : line.substr(0, 40))
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return "\"" + out + (line.size() > 40 ? "...\"" : "\"");
}

// Visits "name:x:id:gid:..." entries of passwd or group text: visit(name, id, gid-or-nullopt).
template <class Visit>
void each_account(std::string_view text, Visit visit) {
    for_each_line(text, [&](size_t, std::string_view line) {
        std::string_view fields[4];
        size_t n = 0;
        while (n < 4) {
            size_t colon = line.find(':');
            fields[n++] = line.substr(0, colon);
            if (colon == std::string_view::npos)
                break;
            line.remove_prefix(colon + 1);
        }
        if (n < 3 || fields[0].empty())
            return;
        if (auto id = decimal(fields[2]))
            visit(fields[0], *id, n == 4 ? decimal(fields[3]) : std::nullopt);
    });
}

struct Interval {
    uint64_t first = 0, end = 0; // [first, end)
};

// `from` without every id in `holes`.
std::vector<Interval> subtract(std::vector<Interval> from, const std::vector<Interval>& holes) {
    for (const Interval& hole : holes) {
        std::vector<Interval> next;
        for (const Interval& i : from) {
            if (hole.end <= i.first || hole.first >= i.end) {
                next.push_back(i);
                continue;
            }
            if (i.first < hole.first)
                next.push_back({i.first, hole.first});
            if (hole.end < i.end)
                next.push_back({hole.end, i.end});
        }
        from = std::move(next);
    }
    return from;
}

// Sorted, with touching or overlapping intervals joined: "0-0, 1-65536" reads "0-65536".
std::vector<Interval> merged(std::vector<Interval> v) {
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.first < b.first; });
    std::vector<Interval> out;
    for (const Interval& i : v) {
        if (!out.empty() && i.first <= out.back().end)
            out.back().end = std::max(out.back().end, i.end);
        else
            out.push_back(i);
    }
    return out;
}

std::string range_text(uint64_t first, uint64_t end) {
    return fmt::format("{}-{}", first, end - 1);
}

std::string entry_text(const SubidEntry& e) {
    return fmt::format("{} (line {})", range_text(e.start, e.end()), e.line);
}

struct Context {
    const SubidInput& in;
    std::string kind;            // "uid" or "gid"
    std::string file;            // "subuid" or "subgid": the finding ids' stem
    std::optional<uint64_t> own; // the user's own uid or primary gid
    std::vector<SubidEntry> mine, others;
    std::optional<std::vector<IdMapEntry>> map; // nullopt: unreadable
    bool inside = false;                        // in a user namespace

    std::string usermod(const std::string& args) const {
        return "usermod" + (in.root == "/" ? std::string{} : " --root " + in.root) + " " + args +
               " " + in.user.name;
    }

    // A block to suggest for `usermod --add-sub*ids`: on the host the first 65536 free ids
    // from 100000 on, as useradd picks them; inside a namespace the largest mapped block
    // free of 0, the user's own id and other users' ranges.
    std::optional<Interval> free_block() const {
        std::vector<Interval> universe;
        std::vector<Interval> taken;
        for (const SubidEntry& e : others)
            taken.push_back({e.start, e.end()});
        if (own)
            taken.push_back({*own, *own + 1});
        if (inside && map) {
            for (const IdMapEntry& m : *map)
                universe.push_back({m.inside, m.inside + m.count});
            taken.push_back({0, 1});
            std::vector<Interval> free = subtract(universe, taken);
            auto best = std::max_element(free.begin(), free.end(), [](auto& a, auto& b) {
                return a.end - a.first < b.end - b.first;
            });
            if (best == free.end())
                return std::nullopt;
            return Interval{best->first,
                            best->first + std::min(best->end - best->first, wanted_ids)};
        }
        for (const SubidEntry& e : mine)
            taken.push_back({e.start, e.end()});
        universe.push_back({first_free_candidate, max_id + 1});
        for (const Interval& i : subtract(universe, taken))
            if (i.end - i.first >= wanted_ids)
                return Interval{i.first, i.first + wanted_ids};
        return std::nullopt;
    }

    std::string add_fix() const {
        auto block = free_block();
        if (!block)
            return inside ? "start the outer container with more ids (podman run --userns=auto "
                            "or --uidmap/--gidmap)"
                          : "free some ids in " + in.path;
        return usermod("--add-sub" + kind + "s " + range_text(block->first, block->end));
    }
};

Finding check_presence(const Context& c, const SubidParse& parsed) {
    const SubidInput& in = c.in;
    Finding f{c.file, Level::ok, "", ""};
    std::string problems;
    for (const std::string& e : parsed.errors)
        problems += "; " + in.path + " " + e + " (newuidmap skips such lines)";
    const bool is_root = in.user.uid == 0;

    uint64_t total = 0;
    std::string list;
    for (const SubidEntry& e : c.mine) {
        total += e.count;
        list += (list.empty() ? "" : ", ") + range_text(e.start, e.end());
    }
    if (c.mine.empty()) {
        if (is_root) {
            f.verdict = Level::info;
            f.message = "root has no subordinate " + c.kind + "s in " + in.path +
                        ": rootful Podman does not use newuidmap, so this matters only for "
                        "--userns=auto";
        } else {
            f.verdict = Level::fail;
            f.message = in.user.name + " has no subordinate " + c.kind + "s in " + in.path +
                        ": Podman can map only the user's own " + c.kind +
                        " and images that own files as other ids fail to unpack";
            f.fix = c.add_fix();
        }
    } else if (total < wanted_ids) {
        f.verdict = Level::warn;
        f.message = fmt::format("{} has only {} subordinate {}s ({}): images own files up to "
                                "id 65534 (nobody), and Podman then fails with \"potentially "
                                "insufficient UIDs or GIDs available in user namespace\"",
                                in.user.name, total, c.kind, list);
        f.fix = c.add_fix();
    } else {
        f.message = fmt::format("{}: {} ({} ids)", in.user.name, list, total);
    }
    if (!problems.empty()) {
        f.message += problems;
        if (f.verdict == Level::ok)
            f.verdict = Level::warn;
    }
    return f;
}

Finding check_overlap(const Context& c) {
    const SubidInput& in = c.in;
    Finding f{c.file + "-overlap", Level::ok, "", ""};
    std::vector<std::string> fails, warns;

    for (size_t i = 0; i < c.mine.size(); ++i) {
        const SubidEntry& e = c.mine[i];
        if (c.own && *c.own >= e.start && *c.own < e.end())
            fails.push_back(fmt::format(
                "{} holds {}'s own {} {}: Podman maps that id once for container root and again "
                "through the range, and the kernel rejects a map whose ranges overlap",
                entry_text(e), in.user.name, c.kind, *c.own));
        for (size_t j = i + 1; j < c.mine.size(); ++j) {
            const SubidEntry& o = c.mine[j];
            if (o.start < e.end() && e.start < o.end())
                fails.push_back(fmt::format("{} and {} of {} overlap, which the kernel rejects "
                                            "in one map",
                                            entry_text(e), entry_text(o), in.user.name));
        }
        for (const SubidEntry& o : c.others)
            if (o.start < e.end() && e.start < o.end())
                warns.push_back(fmt::format("{} overlaps {}'s {}: both users' containers share "
                                            "those ids and can reach each other's files",
                                            entry_text(e), o.owner, entry_text(o)));
        // Accounts whose files a range hands to this user's containers. System accounts
        // below 1000 are left out: a nested setup maps them on purpose (podman:1:999).
        each_account(c.kind == "uid" ? in.passwd : in.group, [&](std::string_view name, uint64_t id,
                                                                 std::optional<uint64_t>) {
            bool regular = id >= 1000 && id != overflow_id;
            if ((id != 0 && !regular) || id < e.start || id >= e.end())
                return;
            if (c.own && id == *c.own)
                return;
            warns.push_back(fmt::format("{} holds {} {} ({}), so {}'s containers can act as {}",
                                        entry_text(e), c.kind, id, name, in.user.name, name));
        });
    }
    auto join = [](const std::vector<std::string>& parts) {
        std::string out;
        for (const std::string& p : parts)
            out += (out.empty() ? "" : "; ") + p;
        return out;
    };
    if (!fails.empty()) {
        f.verdict = Level::fail;
        f.message = join(fails) + (warns.empty() ? "" : "; " + join(warns));
        f.fix = "give " + in.user.name + " a range of its own in " + in.path + ": " + c.add_fix();
    } else if (!warns.empty()) {
        f.verdict = Level::warn;
        f.message = join(warns);
        f.fix = "give each user a range of its own in " + in.path;
    } else {
        f.message = c.own
                        ? fmt::format("no range holds {} {} or another user's ids", c.kind, *c.own)
                        : "no range overlaps another user's";
    }
    return f;
}

Finding check_mapped(const Context& c) {
    const SubidInput& in = c.in;
    const std::string map_name = "/proc/self/" + c.kind + "_map";
    Finding f{c.file + "-map", Level::ok, "", ""};
    if (!c.map) {
        f.verdict = Level::info;
        f.message = "cannot tell whether the ranges exist here: " + map_name +
                    (in.map.text ? " is not in the kernel's format"
                                 : ": " + std::string(std::strerror(in.map.error)));
        return f;
    }
    if (!c.inside) {
        f.message = "not inside a user namespace (" + map_name +
                    " is the identity): every id "
                    "exists here";
        return f;
    }
    std::vector<Interval> mapped;
    for (const IdMapEntry& m : *c.map)
        mapped.push_back({m.inside, m.inside + m.count});
    mapped = merged(std::move(mapped));
    std::string held;
    for (const Interval& i : mapped)
        held += (held.empty() ? "" : ", ") + range_text(i.first, i.end);
    if (held.empty())
        held = "nothing";
    std::vector<std::string> missing;
    if (c.own && !subtract({{*c.own, *c.own + 1}}, mapped).empty())
        missing.push_back(fmt::format("{}'s own {} {}", in.user.name, c.kind, *c.own));
    for (const SubidEntry& e : c.mine) {
        std::vector<Interval> gaps = subtract({{e.start, e.end()}}, mapped);
        if (gaps.empty())
            continue;
        std::string what = entry_text(e);
        if (gaps.size() != 1 || gaps[0].first != e.start || gaps[0].end != e.end())
            what += " (partly: " + range_text(gaps[0].first, gaps[0].end) + ")";
        missing.push_back(what);
    }
    if (missing.empty()) {
        f.message = "inside a user namespace that maps " + held + ": " +
                    (c.mine.empty() ? "the user's own id is mapped" : "every range is mapped");
        return f;
    }
    std::string list;
    for (const std::string& m : missing)
        list += (list.empty() ? "" : ", ") + m;
    f.verdict = Level::fail;
    f.message = "inside a user namespace whose " + c.kind + "_map holds only " + held + ", " +
                list + (missing.size() == 1 ? " is" : " are") + " not mapped: new" + c.kind +
                "map cannot hand out ids that do not exist here, and the kernel refuses the "
                "write";
    std::optional<Interval> block = c.free_block();
    std::string del;
    for (const SubidEntry& e : c.mine)
        if (!subtract({{e.start, e.end()}}, mapped).empty())
            del += " --del-sub" + c.kind + "s " + range_text(e.start, e.end());
    if (block && !del.empty())
        f.fix = "`" +
                c.usermod(del.substr(1) + " --add-sub" + c.kind + "s " +
                          range_text(block->first, block->end)) +
                "` (ids this namespace has), or start the outer container with more ids";
    else
        f.fix = "start the outer container with more ids (podman run --userns=auto, or "
                "--uidmap/--gidmap)";
    return f;
}

} // namespace

SubidParse parse_subids(std::string_view text) {
    SubidParse out;
    for_each_line(text, [&out](size_t number, std::string_view line) {
        if (line.empty() || line.front() == '#')
            return;
        auto error = [&](const std::string& what) {
            out.errors.push_back(fmt::format("line {}: {}: {}", number, quoted(line), what));
        };
        size_t c1 = line.find(':');
        size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string_view::npos || line.find(':', c2 + 1) != std::string_view::npos)
            return error("not owner:start:count");
        std::string_view owner = line.substr(0, c1);
        auto start = decimal(line.substr(c1 + 1, c2 - c1 - 1));
        auto count = decimal(line.substr(c2 + 1));
        if (owner.empty())
            return error("no owner");
        if (!start || !count)
            return error("start and count must be decimal numbers");
        if (*count == 0)
            return error("count is 0");
        if (*start > max_id || *count > max_id + 1 - *start)
            return error(fmt::format("the range ends past id {}", max_id));
        out.entries.push_back({std::string(owner), *start, *count, number});
    });
    return out;
}

std::optional<std::vector<IdMapEntry>> parse_id_map(std::string_view text) {
    std::vector<IdMapEntry> map;
    bool ok = true;
    for_each_line(text, [&](size_t, std::string_view line) {
        uint64_t v[3];
        size_t n = 0;
        while (ok) {
            while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
                line.remove_prefix(1);
            if (line.empty())
                break;
            size_t len = std::min(line.find_first_of(" \t"), line.size());
            auto value = decimal(line.substr(0, len));
            if (n == 3 || !value || *value > 4294967295u)
                ok = false;
            else
                v[n++] = *value;
            line.remove_prefix(len);
        }
        if (n == 0 && ok)
            return; // a blank line
        if (n != 3 || v[2] == 0)
            ok = false;
        if (ok)
            map.push_back({v[0], v[1], v[2]});
    });
    if (!ok)
        return std::nullopt;
    return map;
}

bool is_identity(const std::vector<IdMapEntry>& map) {
    return map.size() == 1 && map[0].inside == 0 && map[0].outside == 0 &&
           map[0].count == 4294967295u;
}

std::optional<Account> account_by_name(std::string_view passwd, std::string_view name) {
    std::optional<Account> found;
    each_account(passwd, [&](std::string_view n, uint64_t id, std::optional<uint64_t> gid) {
        if (!found && n == name)
            found = Account{std::string(n), id, gid};
    });
    return found;
}

std::optional<Account> account_by_uid(std::string_view passwd, uint64_t uid) {
    std::optional<Account> found;
    each_account(passwd, [&](std::string_view n, uint64_t id, std::optional<uint64_t> gid) {
        if (!found && id == uid)
            found = Account{std::string(n), id, gid};
    });
    return found;
}

std::vector<Finding> check_subids(const SubidInput& in) {
    Context c{in, in.gids ? "gid" : "uid", in.gids ? "subgid" : "subuid", {}, {}, {}, {}, false};
    c.own = in.gids ? in.user.gid : in.user.uid;
    if (in.map.text)
        c.map = parse_id_map(*in.map.text);
    c.inside = c.map && !is_identity(*c.map);

    if (!in.file.text) {
        Finding f{c.file, Level::fail,
                  "cannot read " + in.path + ": " + std::strerror(in.file.error), ""};
        if (in.user.uid == 0) {
            f.verdict = Level::info;
            f.message += "; rootful Podman does not use newuidmap, so this matters only for "
                         "--userns=auto";
        } else {
            f.message += ": " + in.user.name + " has no subordinate " + c.kind + "s";
            f.fix = c.add_fix();
        }
        return {f};
    }

    SubidParse parsed = parse_subids(*in.file.text);
    const std::string uid_text = in.user.uid ? std::to_string(*in.user.uid) : std::string{};
    for (SubidEntry& e : parsed.entries) {
        // The three ways newuidmap and newgidmap recognise a user's entry.
        bool mine = e.owner == in.user.name || (!uid_text.empty() && e.owner == uid_text);
        if (!mine && in.user.uid) {
            auto other = account_by_name(in.passwd, e.owner);
            mine = other && other->uid == in.user.uid;
        }
        (mine ? c.mine : c.others).push_back(std::move(e));
    }

    std::vector<Finding> out{check_presence(c, parsed)};
    if (!c.mine.empty())
        out.push_back(check_overlap(c));
    if (!c.mine.empty() || (in.user.uid != 0 && c.inside))
        out.push_back(check_mapped(c));
    return out;
}

} // namespace ufc::doctor
