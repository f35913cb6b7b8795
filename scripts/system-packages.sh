#!/usr/bin/env bash
# Installs the programs the tests use besides Python packages, when they are missing:
# LibreOffice (recalculates generated workbooks), poppler (pdftoppm, to look at reports),
# Xvfb (a virtual screen for window tests), binutils (PyInstaller reads and strips the libraries
# of the frozen build with objdump and strip). Debian/Ubuntu only; needs root or sudo.
set -euo pipefail

declare -A needed=(
    [soffice]=libreoffice-calc-nogui
    [pdftoppm]=poppler-utils
    [Xvfb]=xvfb
    [xauth]=xauth
    [objdump]=binutils
)
missing=()
for command in "${!needed[@]}"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("${needed[$command]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
else
    echo "Missing system packages: ${missing[*]} (install them with apt-get as root); tests that need them will say so." >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages: ${missing[*]}; this script installs them with apt-get only." >&2
    exit 0
fi
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
