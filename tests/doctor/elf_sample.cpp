// SPDX-License-Identifier: GPL-2.0-or-later
// A program that links nothing but the C and C++ runtimes: built once dynamic and once
// static, it is what the ELF reader must find no libcap in, and the stand-in for Debian's
// setuid newuidmap in the shell tests (which look only at how a file is built and marked).
int main() {
    return 0;
}
