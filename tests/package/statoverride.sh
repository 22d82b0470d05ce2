#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 4, dpkg-statoverride: an administrator's override for a watched path wins on owner,
# group and permission bits. "root podman 4750" becomes 0750 root:podman with the capability
# on apply, survives a reinstall of uidmap (dpkg applies the override at unpack, the trigger
# adds the capability), goes back to 4750 root:podman on restore and on removal of the
# helper. An override that would make the file unsafe is left exactly as dpkg set it, and
# the log says why.
source "$(dirname "$0")/lib.sh"
pkg_prepare

new_root
install_uidmap dpkg
install_helper
expect_applied "helper installed"
must_succeed "groupadd podman" groupadd --system podman

step "dpkg-statoverride --update --add root podman 4750 /usr/bin/newuidmap"
must_succeed "adding the override" dpkg-statoverride --update --add root podman 4750 \
    /usr/bin/newuidmap
# dpkg-statoverride chowns the file, which clears the capability, and fires no trigger: the
# administrator applies again by hand (README). Until then status must not say ok.
expect_file /usr/bin/newuidmap "4750 root:podman" "right after dpkg-statoverride --update"
run_root uidmap-filecaps status
[ "$RC" -eq 1 ] || fail_with_log "status after the override changed the file exited $RC," \
    "expected 1"

step "dpkg-reconfigure uidmap-filecaps (apply honouring the override)"
must_succeed "dpkg-reconfigure" dpkg-reconfigure -fnoninteractive uidmap-filecaps
expect_file /usr/bin/newuidmap "750 root:podman cap_setuid=ep" "apply with the override"
expect_file /usr/bin/newgidmap "755 root:root cap_setgid=ep" "apply with the override"
log_has "/usr/bin/newuidmap: changed: mode 4750 -> 0750, owner root:podman" \
    "apply with the override"
log_has "statoverride 4750 honoured" "apply with the override"
must_succeed "status with the override applied" uidmap-filecaps status
pass "override root podman 4750 + apply: 750 root:podman cap_setuid=ep, log says honoured"

step "apt-get install --reinstall uidmap with the override"
must_succeed "reinstalling uidmap" apt-get install -y --reinstall uidmap
expect_file /usr/bin/newuidmap "750 root:podman cap_setuid=ep" "uidmap reinstall, override"
expect_file /usr/bin/newgidmap "755 root:root cap_setgid=ep" "uidmap reinstall, override"
# The file was replaced: the change starts from the mode dpkg gave it from the override.
term_log_has "/usr/bin/newuidmap: changed: mode 4750 -> 0750, owner root:podman" \
    "uidmap reinstall, override"
term_log_has "statoverride 4750 honoured" "uidmap reinstall, override"
pass "reinstall of uidmap with the override: 750 root:podman cap_setuid=ep"

step "uidmap-filecaps restore with the override"
must_succeed "restore" uidmap-filecaps restore
expect_file /usr/bin/newuidmap "4750 root:podman" "restore with the override"
expect_file /usr/bin/newgidmap "4755 root:root" "restore with the override"
log_has "statoverride 4750 honoured" "restore with the override"
pass "restore with the override: 4750 root:podman, no capabilities (not 4755)"

step "apply again, then apt-get remove uidmap-filecaps with the override"
must_succeed "apply" uidmap-filecaps apply
expect_file /usr/bin/newuidmap "750 root:podman cap_setuid=ep" "apply again"
must_succeed "removing the helper" apt-get remove -y uidmap-filecaps
expect_file /usr/bin/newuidmap "4750 root:podman" "helper removed, override"
expect_file /usr/bin/newgidmap "4755 root:root" "helper removed, override"
expect_dpkg_clean "helper removed, override"
pass "removal of the helper with the override: 4750 root:podman kept"

step "an unsafe override: root root 4777 /usr/bin/newuidmap"
must_succeed "removing the podman override" dpkg-statoverride --remove /usr/bin/newuidmap
must_succeed "adding an unsafe override" dpkg-statoverride --update --add root root 4777 \
    /usr/bin/newuidmap
expect_file /usr/bin/newuidmap "4777 root:root" "unsafe override as dpkg set it"
install_helper
expect_file /usr/bin/newuidmap "4777 root:root" "helper installed, unsafe override"
expect_file /usr/bin/newgidmap "755 root:root cap_setgid=ep" "helper installed, unsafe override"
# The file dpkg made from the override is already unsafe, so the program refuses it on sight,
# before it gets to the override itself.
log_has "/usr/bin/newuidmap: refused, left untouched: is writable by group or others" \
    "helper installed, unsafe override"
expect_pkg_state uidmap-filecaps "ii $HELPER_VERSION" "helper installed, unsafe override"
run_root uidmap-filecaps apply
[ "$RC" -eq 1 ] || fail_with_log "a manual apply with the unsafe override exited $RC, expected 1"
expect_file /usr/bin/newuidmap "4777 root:root" "manual apply, unsafe override"
must_succeed "reinstalling uidmap" apt-get install -y --reinstall uidmap
expect_file /usr/bin/newuidmap "4777 root:root" "uidmap reinstall, unsafe override"
expect_file /usr/bin/newgidmap "755 root:root cap_setgid=ep" "uidmap reinstall, unsafe override"
term_log_has "/usr/bin/newuidmap: refused, left untouched: is writable by group or others" \
    "uidmap reinstall, unsafe override"
pass "unsafe override 4777: left exactly as dpkg set it (install, apply, reinstall), log says why"

step "an override giving newgidmap to a user other than root"
must_succeed "adding a non-root owner override" dpkg-statoverride --update --add nobody root \
    4755 /usr/bin/newgidmap
expect_file /usr/bin/newgidmap "4755 nobody:root" "non-root override as dpkg set it"
must_succeed "dpkg-reconfigure" dpkg-reconfigure -fnoninteractive uidmap-filecaps
expect_file /usr/bin/newgidmap "4755 nobody:root" "apply, non-root override"
log_has "/usr/bin/newgidmap: refused, left untouched" "apply, non-root override"
log_has "is not owned by root (uid 65534)" "apply, non-root override"
pass "override to a non-root owner: left exactly as dpkg set it, log says why"
