// SPDX-License-Identifier: GPL-2.0-or-later
// plan(), judge() and satisfies() are pure: every observed state is built here as a value, no
// file and no capability call involved.
#include "plan.hpp"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <string>
#include <vector>

namespace ufc {
namespace {

constexpr uid_t host_root = 0;
constexpr gid_t podman_gid = 1001;

CapSets caps_ep(int cap, uid_t nsowner = host_root) {
    uint64_t bit = uint64_t{1} << cap;
    return CapSets{bit, bit, 0, nsowner};
}

const CapSets setuid_cap = caps_ep(CAP_SETUID);
const CapSets setgid_cap = caps_ep(CAP_SETGID);

FileFacts file(mode_t perm, CapSets caps = {}, uid_t uid = 0, gid_t gid = 0) {
    FileFacts f;
    f.presence = Presence::present;
    f.mode = S_IFREG | perm;
    f.uid = uid;
    f.gid = gid;
    f.nlink = 1;
    f.caps = caps;
    return f;
}

FileFacts absent(Presence presence, std::string why) {
    FileFacts f;
    f.presence = presence;
    f.why = std::move(why);
    return f;
}

// What newuidmap must become: cap_setuid=ep, no statoverride unless the test adds one.
Wanted wanted(Goal goal, std::optional<OverrideIds> override = std::nullopt) {
    return Wanted{goal, setuid_cap, override};
}

// dpkg-statoverride root podman 4750, names already resolved.
constexpr OverrideIds podman_4750{host_root, podman_gid, 04750};

Step set_caps(const CapSets& c) {
    return {StepKind::set_caps, c, 0};
}
Step set_mode(mode_t m) {
    return {StepKind::set_mode, {}, m};
}
Step remove_caps() {
    return {StepKind::remove_caps, {}, 0};
}

// Steps compared as readable text, so a failure shows the whole sequence at once.
std::string describe(const Step& s) {
    switch (s.kind) {
    case StepKind::set_caps:
        return "set_caps(" + std::to_string(s.caps.effective) + "/" +
               std::to_string(s.caps.permitted) + "/" + std::to_string(s.caps.inheritable) +
               " owner " + std::to_string(s.caps.nsowner) + ")";
    case StepKind::remove_caps:
        return "remove_caps";
    case StepKind::set_mode:
        return "set_mode(" + mode_text(s.mode) + ")";
    }
    return "?";
}

std::vector<std::string> describe(const std::vector<Step>& steps) {
    std::vector<std::string> out;
    for (const Step& s : steps)
        out.push_back(describe(s));
    return out;
}

std::vector<std::string> steps(std::initializer_list<Step> list) {
    return describe(std::vector<Step>(list));
}

// --- apply ------------------------------------------------------------------------------

TEST(PlanApply, DebianDefaultGetsCapsBeforeTheSetuidBitGoes) {
    Plan p = plan(file(04755), wanted(Goal::apply));
    EXPECT_EQ(p.kind, PlanKind::act);
    // Order is the safety property: with the capability first, a failure at any step leaves
    // a file that still works (setuid, or both).
    EXPECT_EQ(describe(p.steps), steps({set_caps(setuid_cap), set_mode(0755)}));
    // The setuid bit is still there if set_caps fails, so nothing needs putting back.
    EXPECT_FALSE(p.fallback.has_value());
    EXPECT_EQ(p.reason, "");
}

TEST(PlanApply, AlreadyAppliedFileNeedsNothing) {
    Plan p = plan(file(0755, setuid_cap), wanted(Goal::apply));
    EXPECT_EQ(p.kind, PlanKind::nothing);
    EXPECT_TRUE(p.steps.empty());
    EXPECT_FALSE(p.fallback.has_value());
}

TEST(PlanApply, MixedFileOnlyLosesTheSetuidBit) {
    Plan p = plan(file(04755, setuid_cap), wanted(Goal::apply));
    EXPECT_EQ(p.kind, PlanKind::act);
    EXPECT_EQ(describe(p.steps), steps({set_mode(0755)}));
    EXPECT_FALSE(p.fallback.has_value());
}

TEST(PlanApply, CapsNamespacedToAnotherOwnerCountAsNoCaps) {
    // Written by a rootless build as uid 1000's namespace root: worthless outside it.
    CapSets namespaced = caps_ep(CAP_SETUID, 1000);
    Plan p = plan(file(04755, namespaced), wanted(Goal::apply));
    EXPECT_EQ(p.kind, PlanKind::act);
    EXPECT_EQ(describe(p.steps), steps({set_caps(setuid_cap), set_mode(0755)}));
}

TEST(PlanApply, NamespacedCapsWithoutSetuidGetSetuidFallback) {
    Plan p = plan(file(0755, caps_ep(CAP_SETUID, 1000)), wanted(Goal::apply));
    EXPECT_EQ(p.kind, PlanKind::act);
    EXPECT_EQ(describe(p.steps), steps({set_caps(setuid_cap)}));
    ASSERT_TRUE(p.fallback.has_value());
    EXPECT_EQ(describe(*p.fallback), describe(set_mode(04755)));
}

TEST(PlanApply, SetCapsStepWritesHostOwnedCaps) {
    Plan p = plan(file(04755, caps_ep(CAP_SETUID, 1000)), wanted(Goal::apply));
    ASSERT_FALSE(p.steps.empty());
    EXPECT_EQ(p.steps[0].caps.nsowner, host_root);
}

TEST(PlanApply, WrongCapabilityIsReplaced) {
    // cap_setgid on newuidmap: a capability, but not the one that makes it work.
    Plan p = plan(file(04755, setgid_cap), wanted(Goal::apply));
    EXPECT_EQ(p.kind, PlanKind::act);
    EXPECT_EQ(describe(p.steps), steps({set_caps(setuid_cap), set_mode(0755)}));
}

TEST(PlanApply, WrongCapabilityWithoutSetuidIsReplaced) {
    Plan p = plan(file(0755, setgid_cap), wanted(Goal::apply));
    EXPECT_EQ(p.kind, PlanKind::act);
    EXPECT_EQ(describe(p.steps), steps({set_caps(setuid_cap)}));
}

TEST(PlanApply, SupersetOfTheWantedCapsIsReplacedByExactlyThem) {
    CapSets both = setuid_cap;
    both.effective |= setgid_cap.effective;
    both.permitted |= setgid_cap.permitted;
    Plan p = plan(file(0755, both), wanted(Goal::apply));
    EXPECT_EQ(p.kind, PlanKind::act);
    EXPECT_EQ(describe(p.steps), steps({set_caps(setuid_cap)}));
}

TEST(PlanApply, FileWithNoMechanismGetsCapsAndSetuidFallback) {
    Plan p = plan(file(0755), wanted(Goal::apply));
    EXPECT_EQ(p.kind, PlanKind::act);
    EXPECT_EQ(describe(p.steps), steps({set_caps(setuid_cap)}));
    // Should the capability not stick, the file must not stay without any mechanism.
    ASSERT_TRUE(p.fallback.has_value());
    EXPECT_EQ(describe(*p.fallback), describe(set_mode(04755)));
}

TEST(PlanApply, FallbackKeepsTheOtherPermissionBits) {
    Plan p = plan(file(0711), wanted(Goal::apply));
    ASSERT_TRUE(p.fallback.has_value());
    EXPECT_EQ(describe(*p.fallback), describe(set_mode(04711)));
}

TEST(PlanApply, OtherPermissionBitsAreKept) {
    EXPECT_EQ(describe(plan(file(04711), wanted(Goal::apply)).steps),
              steps({set_caps(setuid_cap), set_mode(0711)}));
    EXPECT_EQ(describe(plan(file(06755), wanted(Goal::apply)).steps),
              steps({set_caps(setuid_cap), set_mode(02755)}));
    EXPECT_EQ(describe(plan(file(04750, setuid_cap), wanted(Goal::apply)).steps),
              steps({set_mode(0750)}));
}

TEST(PlanApply, FileTypeBitsNeverReachTheModeStep) {
    Plan p = plan(file(04755, setuid_cap), wanted(Goal::apply));
    ASSERT_EQ(p.steps.size(), 1u);
    EXPECT_EQ(p.steps[0].mode & S_IFMT, 0u);
}

// --- files that cannot be acted on, for both goals ------------------------------------

class PlanEitherGoal : public ::testing::TestWithParam<Goal> {};

TEST_P(PlanEitherGoal, MissingFileIsSkippedWithItsReason) {
    Plan p = plan(absent(Presence::missing, "no such file"), wanted(GetParam()));
    EXPECT_EQ(p.kind, PlanKind::missing);
    EXPECT_TRUE(p.steps.empty());
    EXPECT_FALSE(p.fallback.has_value());
    EXPECT_EQ(p.reason, "no such file");
}

TEST_P(PlanEitherGoal, UnsafeFileIsRefusedWithItsReason) {
    Plan p = plan(absent(Presence::unsafe, "has 2 hard links"), wanted(GetParam()));
    EXPECT_EQ(p.kind, PlanKind::refuse);
    EXPECT_TRUE(p.steps.empty());
    EXPECT_FALSE(p.fallback.has_value());
    EXPECT_EQ(p.reason, "has 2 hard links");
}

TEST_P(PlanEitherGoal, UnreadableFileIsRefusedWithItsReason) {
    Plan p =
        plan(absent(Presence::unreadable, "open: Permission denied (EACCES)"), wanted(GetParam()));
    EXPECT_EQ(p.kind, PlanKind::refuse);
    EXPECT_TRUE(p.steps.empty());
    EXPECT_EQ(p.reason, "open: Permission denied (EACCES)");
}

TEST_P(PlanEitherGoal, OverrideOwnedByNonRootIsRefused) {
    OverrideIds o{1000, podman_gid, 04750};
    Plan p = plan(file(04750, {}, 1000, podman_gid), wanted(GetParam(), o));
    EXPECT_EQ(p.kind, PlanKind::refuse);
    EXPECT_TRUE(p.steps.empty());
    EXPECT_NE(p.reason.find("uid 1000"), std::string::npos) << p.reason;
}

TEST_P(PlanEitherGoal, GroupWritableOverrideIsRefused) {
    OverrideIds o{host_root, podman_gid, 04770};
    Plan p = plan(file(04770, {}, 0, podman_gid), wanted(GetParam(), o));
    EXPECT_EQ(p.kind, PlanKind::refuse);
    EXPECT_TRUE(p.steps.empty());
    EXPECT_NE(p.reason.find("4770"), std::string::npos) << p.reason;
}

TEST_P(PlanEitherGoal, OtherWritableOverrideIsRefused) {
    OverrideIds o{host_root, podman_gid, 04752};
    Plan p = plan(file(04752, {}, 0, podman_gid), wanted(GetParam(), o));
    EXPECT_EQ(p.kind, PlanKind::refuse);
    EXPECT_TRUE(p.steps.empty());
}

TEST_P(PlanEitherGoal, FileGroupDifferingFromOverrideIsRefused) {
    // The override was changed without --update: dpkg has not applied it to the file yet.
    Plan p = plan(file(04755), wanted(GetParam(), podman_4750));
    EXPECT_EQ(p.kind, PlanKind::refuse);
    EXPECT_TRUE(p.steps.empty());
    EXPECT_NE(p.reason.find("dpkg-statoverride --update"), std::string::npos) << p.reason;
}

TEST_P(PlanEitherGoal, FileOwnerDifferingFromOverrideIsRefused) {
    OverrideIds o{host_root, 0, 04750};
    Plan p = plan(file(04750, {}, 1000, 0), wanted(GetParam(), o));
    EXPECT_EQ(p.kind, PlanKind::refuse);
    EXPECT_NE(p.reason.find("1000:0"), std::string::npos) << p.reason;
}

INSTANTIATE_TEST_SUITE_P(Goals, PlanEitherGoal, ::testing::Values(Goal::apply, Goal::restore),
                         [](const auto& p) {
                             return std::string(p.param == Goal::apply ? "apply" : "restore");
                         });

// --- apply under a statoverride -----------------------------------------------------------

TEST(PlanApplyOverride, KeepsGroupAndModeMinusSetuid) {
    Plan p = plan(file(04750, {}, 0, podman_gid), wanted(Goal::apply, podman_4750));
    EXPECT_EQ(p.kind, PlanKind::act);
    EXPECT_EQ(describe(p.steps), steps({set_caps(setuid_cap), set_mode(0750)}));
    EXPECT_NE(p.reason.find("statoverride"), std::string::npos) << p.reason;
    EXPECT_NE(p.reason.find("4750"), std::string::npos) << p.reason;
}

TEST(PlanApplyOverride, OverrideModeWinsOverTheFileMode) {
    // A file at 0755 while the override says 4750 (someone chmodded it): back to the override.
    Plan p = plan(file(0755, setuid_cap, 0, podman_gid), wanted(Goal::apply, podman_4750));
    EXPECT_EQ(p.kind, PlanKind::act);
    EXPECT_EQ(describe(p.steps), steps({set_mode(0750)}));
}

TEST(PlanApplyOverride, HonouredOverrideNeedsNothing) {
    Plan p = plan(file(0750, setuid_cap, 0, podman_gid), wanted(Goal::apply, podman_4750));
    EXPECT_EQ(p.kind, PlanKind::nothing);
    EXPECT_TRUE(p.steps.empty());
}

TEST(PlanApplyOverride, FallbackPutsBackTheOverrideMode) {
    Plan p = plan(file(0750, {}, 0, podman_gid), wanted(Goal::apply, podman_4750));
    EXPECT_EQ(describe(p.steps), steps({set_caps(setuid_cap)}));
    ASSERT_TRUE(p.fallback.has_value());
    EXPECT_EQ(describe(*p.fallback), describe(set_mode(04750)));
}

TEST(PlanApplyOverride, OverrideWithoutSetuidGetsNoSetuidFallback) {
    // The administrator said no setuid bit; a failed capability must not add one.
    OverrideIds o{host_root, podman_gid, 0750};
    Plan p = plan(file(0750, {}, 0, podman_gid), wanted(Goal::apply, o));
    EXPECT_EQ(describe(p.steps), steps({set_caps(setuid_cap)}));
    EXPECT_FALSE(p.fallback.has_value());
}

// --- restore ------------------------------------------------------------------------------

TEST(PlanRestore, SetuidComesBackBeforeTheCapsGo) {
    Plan p = plan(file(0755, setuid_cap), wanted(Goal::restore));
    EXPECT_EQ(p.kind, PlanKind::act);
    EXPECT_EQ(describe(p.steps), steps({set_mode(04755), remove_caps()}));
    EXPECT_FALSE(p.fallback.has_value());
}

TEST(PlanRestore, DebianDefaultNeedsNothing) {
    Plan p = plan(file(04755), wanted(Goal::restore));
    EXPECT_EQ(p.kind, PlanKind::nothing);
    EXPECT_TRUE(p.steps.empty());
}

TEST(PlanRestore, MixedFileOnlyLosesTheCaps) {
    Plan p = plan(file(04755, setuid_cap), wanted(Goal::restore));
    EXPECT_EQ(describe(p.steps), steps({remove_caps()}));
}

TEST(PlanRestore, AnyCapsAreRemovedNamespacedOrForeign) {
    EXPECT_EQ(describe(plan(file(04755, caps_ep(CAP_SETUID, 1000)), wanted(Goal::restore)).steps),
              steps({remove_caps()}));
    EXPECT_EQ(describe(plan(file(04755, setgid_cap), wanted(Goal::restore)).steps),
              steps({remove_caps()}));
}

TEST(PlanRestore, FileWithNoMechanismGetsSetuidBack) {
    Plan p = plan(file(0755), wanted(Goal::restore));
    EXPECT_EQ(describe(p.steps), steps({set_mode(04755)}));
}

TEST(PlanRestore, OtherPermissionBitsAreKept) {
    EXPECT_EQ(describe(plan(file(0711, setuid_cap), wanted(Goal::restore)).steps),
              steps({set_mode(04711), remove_caps()}));
    EXPECT_EQ(describe(plan(file(02755), wanted(Goal::restore)).steps), steps({set_mode(06755)}));
}

TEST(PlanRestore, OverrideModeIsRestoredNot4755) {
    Plan p = plan(file(0750, setuid_cap, 0, podman_gid), wanted(Goal::restore, podman_4750));
    EXPECT_EQ(p.kind, PlanKind::act);
    EXPECT_EQ(describe(p.steps), steps({set_mode(04750), remove_caps()}));
    EXPECT_NE(p.reason.find("statoverride"), std::string::npos) << p.reason;
}

TEST(PlanRestore, OverrideWithoutSetuidOnlyLosesTheCaps) {
    OverrideIds o{host_root, podman_gid, 0750};
    Plan p = plan(file(0750, setuid_cap, 0, podman_gid), wanted(Goal::restore, o));
    EXPECT_EQ(describe(p.steps), steps({remove_caps()}));
}

// --- judge and satisfies -------------------------------------------------------------------

TEST(Judge, DebianDefaultIsSetuid) {
    EXPECT_EQ(judge(file(04755), wanted(Goal::apply)), Verdict::setuid);
}

TEST(Judge, AppliedFileIsOk) {
    EXPECT_EQ(judge(file(0755, setuid_cap), wanted(Goal::apply)), Verdict::ok);
}

TEST(Judge, SetuidAndWantedCapsIsMixed) {
    EXPECT_EQ(judge(file(04755, setuid_cap), wanted(Goal::apply)), Verdict::mixed);
}

TEST(Judge, NeitherMechanismIsNone) {
    EXPECT_EQ(judge(file(0755), wanted(Goal::apply)), Verdict::none);
}

TEST(Judge, NamespacedCapsDoNotCount) {
    CapSets namespaced = caps_ep(CAP_SETUID, 1000);
    EXPECT_EQ(judge(file(0755, namespaced), wanted(Goal::apply)), Verdict::none);
    // Beside the setuid bit, any capability attribute makes the file mixed: it is not
    // Debian's default, and restore would remove it.
    EXPECT_EQ(judge(file(04755, namespaced), wanted(Goal::apply)), Verdict::mixed);
}

TEST(Judge, WrongCapabilityDoesNotCount) {
    EXPECT_EQ(judge(file(0755, setgid_cap), wanted(Goal::apply)), Verdict::none);
}

TEST(Judge, SetuidBitOfANonRootOwnerDoesNotCount) {
    EXPECT_EQ(judge(file(04755, {}, 1000, 0), wanted(Goal::apply)), Verdict::none);
}

TEST(Judge, MissingUnsafeAndUnreadable) {
    EXPECT_EQ(judge(absent(Presence::missing, ""), wanted(Goal::apply)), Verdict::missing);
    EXPECT_EQ(judge(absent(Presence::unsafe, "x"), wanted(Goal::apply)), Verdict::refused);
    EXPECT_EQ(judge(absent(Presence::unreadable, "x"), wanted(Goal::apply)), Verdict::refused);
}

TEST(Judge, HonouredOverrideIsOk) {
    EXPECT_EQ(judge(file(0750, setuid_cap, 0, podman_gid), wanted(Goal::apply, podman_4750)),
              Verdict::ok);
}

TEST(Judge, ModeDifferingFromOverrideIsDrift) {
    EXPECT_EQ(judge(file(0755, setuid_cap, 0, podman_gid), wanted(Goal::apply, podman_4750)),
              Verdict::drift);
}

TEST(Judge, GroupDifferingFromOverrideIsDrift) {
    // What --update with a new override leaves behind once the capability is back.
    EXPECT_EQ(judge(file(0750, setuid_cap, 0, 0), wanted(Goal::apply, podman_4750)),
              Verdict::drift);
}

TEST(Judge, OwnerDifferingFromOverrideIsDrift) {
    OverrideIds o{host_root, 0, 04755};
    EXPECT_EQ(judge(file(0755, setuid_cap, 1000, 0), wanted(Goal::apply, o)), Verdict::drift);
}

TEST(Judge, EveryVerdictHasItsStatusName) {
    EXPECT_STREQ(to_string(Verdict::ok), "ok");
    EXPECT_STREQ(to_string(Verdict::setuid), "setuid");
    EXPECT_STREQ(to_string(Verdict::missing), "missing");
    EXPECT_STREQ(to_string(Verdict::none), "none");
    EXPECT_STREQ(to_string(Verdict::mixed), "mixed");
    EXPECT_STREQ(to_string(Verdict::drift), "drift");
    EXPECT_STREQ(to_string(Verdict::refused), "refused");
}

const Verdict all_verdicts[] = {Verdict::ok,    Verdict::setuid, Verdict::missing, Verdict::none,
                                Verdict::mixed, Verdict::drift,  Verdict::refused};

TEST(Satisfies, ApplyWantsOkOrNoFile) {
    for (Verdict v : all_verdicts)
        EXPECT_EQ(satisfies(v, Goal::apply), v == Verdict::ok || v == Verdict::missing)
            << to_string(v);
}

TEST(Satisfies, RestoreWantsSetuidOrNoFile) {
    for (Verdict v : all_verdicts)
        EXPECT_EQ(satisfies(v, Goal::restore), v == Verdict::setuid || v == Verdict::missing)
            << to_string(v);
}

// status and apply must agree: a file that status calls fine is one apply leaves alone, and
// one it calls wrong is one apply acts on or refuses.
TEST(JudgeAndPlan, StatusAgreesWithApplyOnEveryState) {
    struct Case {
        const char* name;
        FileFacts facts;
        std::optional<OverrideIds> override;
    };
    const Case cases[] = {
        {"debian default", file(04755), std::nullopt},
        {"applied", file(0755, setuid_cap), std::nullopt},
        {"mixed", file(04755, setuid_cap), std::nullopt},
        {"none", file(0755), std::nullopt},
        {"namespaced", file(0755, caps_ep(CAP_SETUID, 1000)), std::nullopt},
        {"wrong cap", file(04755, setgid_cap), std::nullopt},
        {"override honoured", file(0750, setuid_cap, 0, podman_gid), podman_4750},
        {"override mode drift", file(0755, setuid_cap, 0, podman_gid), podman_4750},
        {"override group drift", file(0750, setuid_cap, 0, 0), podman_4750},
        {"override fresh", file(04750, {}, 0, podman_gid), podman_4750},
    };
    for (const Case& c : cases) {
        Wanted w = wanted(Goal::apply, c.override);
        bool fine = satisfies(judge(c.facts, w), Goal::apply);
        EXPECT_EQ(fine, plan(c.facts, w).kind == PlanKind::nothing) << c.name;
    }
}

// The same agreement for restore: with the feature disabled, status must call fine exactly
// the files restore would leave alone.
TEST(JudgeAndPlan, StatusAgreesWithRestoreOnEveryState) {
    const FileFacts cases[] = {file(04755),
                               file(0755, setuid_cap),
                               file(04755, setuid_cap),
                               file(0755),
                               file(04755, caps_ep(CAP_SETUID, 1000)),
                               file(04755, setgid_cap),
                               file(04711)};
    for (const FileFacts& f : cases) {
        Wanted w = wanted(Goal::restore);
        bool fine = satisfies(judge(f, w), Goal::restore);
        EXPECT_EQ(fine, plan(f, w).kind == PlanKind::nothing) << mode_text(f.mode);
    }
}

// A capability that is not the wanted one does not do the file's job: if writing ours
// fails, the setuid bit must come back rather than leave the file unable to map ids.
TEST(PlanApply, WrongCapWithoutSetuidGetsSetuidFallback) {
    Plan p = plan(file(0755, setgid_cap), wanted(Goal::apply));
    EXPECT_EQ(describe(p.steps), steps({set_caps(setuid_cap)}));
    ASSERT_TRUE(p.fallback.has_value());
    EXPECT_EQ(describe(*p.fallback), describe(set_mode(04755)));
}

TEST(ModeText, FourOctalDigitsWithoutFileType) {
    EXPECT_EQ(mode_text(04755), "4755");
    EXPECT_EQ(mode_text(S_IFREG | 0755), "0755");
    EXPECT_EQ(mode_text(0), "0000");
    EXPECT_EQ(mode_text(S_IFDIR | 07777), "7777");
    EXPECT_EQ(mode_text(0711), "0711");
}

} // namespace
} // namespace ufc
