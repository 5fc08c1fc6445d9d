#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing,
# or stops with a message naming them when it cannot.
set -euo pipefail
# samba, samba-ad-dc, samba-ad-provision: a real Active Directory DC for the sign-in tests;
# faketime: to give one AD test account a password set 400 days ago (AD has no other way).
needed=(slapd ldap-utils chromium samba samba-ad-dc samba-ad-provision faketime)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages needed by the tests: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt=(sudo apt-get)
else
  echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
