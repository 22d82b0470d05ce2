// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan.hpp"

#include <cstdio>

namespace ufc {
namespace {

constexpr mode_t permission_bits = 07777;

bool has_setuid(const FileFacts& f) {
    return f.mode & S_ISUID;
}

bool has_wanted_caps(const FileFacts& f, const Wanted& w) {
    return !f.caps.empty() && f.caps.same_sets(w.caps) && f.caps.nsowner == 0;
}

// The override is the administrator's word on owner, group and mode; we add the capability
// but never weaken it into something unsafe.
std::string judge_override(const OverrideIds& o) {
    if (o.uid != 0)
        return "the statoverride gives the file to uid " + std::to_string(o.uid) +
               ", not root; left exactly as dpkg set it";
    if (o.mode & (S_IWGRP | S_IWOTH))
        return "the statoverride makes the file writable by group or others (" + mode_text(o.mode) +
               "); left exactly as dpkg set it";
    return {};
}

std::string owner_mismatch(const FileFacts& f, const OverrideIds& o) {
    if (f.uid == o.uid && f.gid == o.gid)
        return {};
    return "owner " + std::to_string(f.uid) + ":" + std::to_string(f.gid) +
           " differs from the statoverride's " + std::to_string(o.uid) + ":" +
           std::to_string(o.gid) + "; run dpkg-statoverride --update, then apply again";
}

Plan plan_apply(const FileFacts& f, const Wanted& w) {
    Plan p;
    mode_t current = f.mode & permission_bits;
    mode_t target = current & ~S_ISUID;
    if (w.override) {
        if (std::string bad = judge_override(*w.override); !bad.empty())
            return {PlanKind::refuse, {}, std::nullopt, bad};
        if (std::string bad = owner_mismatch(f, *w.override); !bad.empty())
            return {PlanKind::refuse, {}, std::nullopt, bad};
        target = w.override->mode & permission_bits & ~S_ISUID;
        p.reason = "statoverride " + mode_text(w.override->mode) + " honoured";
    }
    bool caps_ok = has_wanted_caps(f, w);
    if (caps_ok && current == target) {
        p.kind = PlanKind::nothing;
        return p;
    }

    // Capability first, verified, and only then the setuid bit goes: at every instant the
    // file keeps at least one working mechanism (for a moment both, which the kernel
    // tolerates), and a failure leaves Debian's setuid file as it was.
    p.kind = PlanKind::act;
    if (!caps_ok)
        p.steps.push_back({StepKind::set_caps, w.caps, 0});
    if (current != target)
        p.steps.push_back({StepKind::set_mode, {}, target});

    // Should the capability not stick, a file found without the setuid bit gets it back: a
    // capability other than the wanted one does not do the file's job either. Unless the
    // administrator's override says the file must not be setuid.
    if (!caps_ok && !has_setuid(f)) {
        mode_t with_setuid =
            w.override ? (w.override->mode & permission_bits) : (current | S_ISUID);
        if (with_setuid & S_ISUID)
            p.fallback = Step{StepKind::set_mode, {}, with_setuid};
    }
    return p;
}

Plan plan_restore(const FileFacts& f, const Wanted& w) {
    Plan p;
    mode_t current = f.mode & permission_bits;
    mode_t target = current | S_ISUID;
    if (w.override) {
        if (std::string bad = judge_override(*w.override); !bad.empty())
            return {PlanKind::refuse, {}, std::nullopt, bad};
        if (std::string bad = owner_mismatch(f, *w.override); !bad.empty())
            return {PlanKind::refuse, {}, std::nullopt, bad};
        target = w.override->mode & permission_bits;
        p.reason = "statoverride " + mode_text(w.override->mode) + " honoured";
    }
    if (f.caps.empty() && current == target) {
        p.kind = PlanKind::nothing;
        return p;
    }
    // The setuid bit comes back before the capability goes, for the same reason as in
    // apply: never a moment with neither.
    p.kind = PlanKind::act;
    if (current != target)
        p.steps.push_back({StepKind::set_mode, {}, target});
    if (!f.caps.empty())
        p.steps.push_back({StepKind::remove_caps, {}, 0});
    return p;
}

} // namespace

const char* to_string(Verdict v) {
    switch (v) {
    case Verdict::ok:
        return "ok";
    case Verdict::setuid:
        return "setuid";
    case Verdict::missing:
        return "missing";
    case Verdict::none:
        return "none";
    case Verdict::mixed:
        return "mixed";
    case Verdict::drift:
        return "drift";
    case Verdict::refused:
        return "refused";
    }
    return "?";
}

std::string mode_text(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & permission_bits));
    return buf;
}

Verdict judge(const FileFacts& f, const Wanted& w) {
    switch (f.presence) {
    case Presence::missing:
        return Verdict::missing;
    case Presence::unsafe:
    case Presence::unreadable:
        return Verdict::refused;
    case Presence::present:
        break;
    }
    bool caps = has_wanted_caps(f, w);
    bool setuid = has_setuid(f) && f.uid == 0;
    // Any capability beside the setuid bit is mixed, ours or not: restore would remove it,
    // so Debian's default it is not.
    if (setuid && !f.caps.empty())
        return Verdict::mixed;
    if (setuid)
        return Verdict::setuid;
    if (!caps)
        return Verdict::none;
    if (w.override && (f.uid != w.override->uid || f.gid != w.override->gid ||
                       (f.mode & permission_bits) != (w.override->mode & 07777 & ~S_ISUID)))
        return Verdict::drift;
    return Verdict::ok;
}

bool satisfies(Verdict v, Goal goal) {
    if (v == Verdict::missing)
        return true;
    return goal == Goal::apply ? v == Verdict::ok : v == Verdict::setuid;
}

Plan plan(const FileFacts& facts, const Wanted& wanted) {
    switch (facts.presence) {
    case Presence::missing:
        return {PlanKind::missing, {}, std::nullopt, facts.why};
    case Presence::unsafe:
    case Presence::unreadable:
        return {PlanKind::refuse, {}, std::nullopt, facts.why};
    case Presence::present:
        break;
    }
    return wanted.goal == Goal::apply ? plan_apply(facts, wanted) : plan_restore(facts, wanted);
}

} // namespace ufc
