// SPDX-License-Identifier: GPL-2.0-or-later
// Move-only owner of a libcap cap_t, and its conversion to and from the plain CapSets value.
#pragma once

#include "caps.hpp"

#include <string>
#include <sys/capability.h>
#include <utility>

namespace ufc {

class CapHandle {
public:
    CapHandle() = default;
    explicit CapHandle(cap_t cap) : cap_(cap) {}
    CapHandle(CapHandle&& o) noexcept : cap_(std::exchange(o.cap_, nullptr)) {}
    CapHandle& operator=(CapHandle&& o) noexcept {
        if (this != &o) {
            reset();
            cap_ = std::exchange(o.cap_, nullptr);
        }
        return *this;
    }
    CapHandle(const CapHandle&) = delete;
    CapHandle& operator=(const CapHandle&) = delete;
    ~CapHandle() { reset(); }

    cap_t get() const { return cap_; }
    explicit operator bool() const { return cap_ != nullptr; }

    static CapHandle from_sets(const CapSets& sets) {
        CapHandle h(cap_init());
        if (!h)
            return h;
        // libcap rejects values past the capabilities it knows; those stay clear.
        for (cap_value_t v = 0; v < 64; ++v) {
            const uint64_t bit = uint64_t{1} << v;
            set_flag(h.cap_, v, CAP_EFFECTIVE, sets.effective & bit);
            set_flag(h.cap_, v, CAP_PERMITTED, sets.permitted & bit);
            set_flag(h.cap_, v, CAP_INHERITABLE, sets.inheritable & bit);
        }
        cap_set_nsowner(h.cap_, sets.nsowner);
        return h;
    }

    CapSets sets() const {
        CapSets s;
        // libcap rejects values past the capabilities it knows; those stay clear.
        for (cap_value_t v = 0; v < 64; ++v) {
            const uint64_t bit = uint64_t{1} << v;
            if (is_set(v, CAP_EFFECTIVE))
                s.effective |= bit;
            if (is_set(v, CAP_PERMITTED))
                s.permitted |= bit;
            if (is_set(v, CAP_INHERITABLE))
                s.inheritable |= bit;
        }
        s.nsowner = cap_get_nsowner(cap_);
        return s;
    }

    std::string text() const {
        char* t = cap_to_text(cap_, nullptr);
        if (!t)
            return "unrepresentable";
        std::string out(t);
        cap_free(t);
        return out;
    }

private:
    void reset() {
        if (cap_)
            cap_free(cap_);
        cap_ = nullptr;
    }
    bool is_set(cap_value_t v, cap_flag_t flag) const {
        cap_flag_value_t value = CAP_CLEAR;
        return cap_get_flag(cap_, v, flag, &value) == 0 && value == CAP_SET;
    }
    static void set_flag(cap_t cap, cap_value_t v, cap_flag_t flag, bool on) {
        cap_set_flag(cap, flag, 1, &v, on ? CAP_SET : CAP_CLEAR);
    }

    cap_t cap_ = nullptr;
};

} // namespace ufc
