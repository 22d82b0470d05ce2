// SPDX-License-Identifier: GPL-2.0-or-later
// CapSets to and from cap_to_text(3) form, through the real libcap.
#include "caps.hpp"

#include <gtest/gtest.h>
#include <linux/capability.h>

namespace ufc {
namespace {

constexpr uint64_t bit(int cap) {
    return uint64_t{1} << cap;
}

TEST(CapsFromText, SetuidEffectiveAndPermitted) {
    std::optional<CapSets> c = caps_from_text("cap_setuid=ep");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->effective, bit(CAP_SETUID));
    EXPECT_EQ(c->permitted, bit(CAP_SETUID));
    EXPECT_EQ(c->inheritable, 0u);
    EXPECT_EQ(c->nsowner, 0u);
}

TEST(CapsFromText, SeveralCapabilitiesAndFlags) {
    std::optional<CapSets> c = caps_from_text("cap_setuid,cap_setgid=ep");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->effective, bit(CAP_SETUID) | bit(CAP_SETGID));
    EXPECT_EQ(c->permitted, bit(CAP_SETUID) | bit(CAP_SETGID));

    std::optional<CapSets> p = caps_from_text("cap_setuid=p");
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->effective, 0u);
    EXPECT_EQ(p->permitted, bit(CAP_SETUID));

    std::optional<CapSets> i = caps_from_text("cap_setgid=i");
    ASSERT_TRUE(i.has_value());
    EXPECT_EQ(i->inheritable, bit(CAP_SETGID));
    EXPECT_EQ(i->permitted, 0u);
}

TEST(CapsFromText, RejectsWhatLibcapRejects) {
    for (const char* bad : {"garbage", "cap_nosuchthing=ep", "cap_setuid=x", "cap_setuid=ep="})
        EXPECT_FALSE(caps_from_text(bad).has_value()) << bad;
}

TEST(CapsFromText, ClearedSetIsEmpty) {
    std::optional<CapSets> c = caps_from_text("=");
    ASSERT_TRUE(c.has_value());
    EXPECT_TRUE(c->empty());
}

TEST(CapsToText, WatchedCapabilitiesPrintAsWritten) {
    EXPECT_EQ(caps_to_text(*caps_from_text("cap_setuid=ep")), "cap_setuid=ep");
    EXPECT_EQ(caps_to_text(*caps_from_text("cap_setgid=ep")), "cap_setgid=ep");
    EXPECT_EQ(caps_to_text(*caps_from_text("cap_setuid=p")), "cap_setuid=p");
}

TEST(CapsToText, NoCapabilitiesIsNone) {
    EXPECT_EQ(caps_to_text(CapSets{}), "none");
    // An owner without a single capability is still nothing at all.
    EXPECT_EQ(caps_to_text(CapSets{0, 0, 0, 1000}), "none");
}

TEST(CapsToText, NamespacedCapsShowTheirRootId) {
    CapSets c{bit(CAP_SETUID), bit(CAP_SETUID), 0, 1000};
    EXPECT_EQ(caps_to_text(c), "cap_setuid=ep [rootid=1000]");
}

TEST(CapsToText, HostCapsShowNoRootId) {
    CapSets c{bit(CAP_SETGID), bit(CAP_SETGID), 0, 0};
    EXPECT_EQ(caps_to_text(c).find("rootid"), std::string::npos);
}

TEST(CapsText, RoundTrip) {
    for (const char* text : {"cap_setuid=ep", "cap_setgid=ep", "cap_setuid,cap_setgid=ep",
                             "cap_setuid=p", "cap_net_raw=eip", "cap_chown=i cap_setuid=ep"}) {
        std::optional<CapSets> first = caps_from_text(text);
        ASSERT_TRUE(first.has_value()) << text;
        std::string printed = caps_to_text(*first);
        std::optional<CapSets> again = caps_from_text(printed);
        ASSERT_TRUE(again.has_value()) << text << " -> " << printed;
        EXPECT_EQ(*again, *first) << text << " -> " << printed;
    }
}

TEST(CapSets, SameSetsIgnoresTheOwnerButEqualityDoesNot) {
    CapSets host{bit(CAP_SETUID), bit(CAP_SETUID), 0, 0};
    CapSets namespaced{bit(CAP_SETUID), bit(CAP_SETUID), 0, 1000};
    EXPECT_TRUE(host.same_sets(namespaced));
    EXPECT_FALSE(host == namespaced);
    CapSets permitted_only{0, bit(CAP_SETUID), 0, 0};
    EXPECT_FALSE(host.same_sets(permitted_only));
    EXPECT_FALSE(permitted_only.empty());
}

} // namespace
} // namespace ufc
