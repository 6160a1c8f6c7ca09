#!/usr/bin/env bash
# Usage: ./wrenn image build [--out DIR] [--force]
#    or: guest-image/build.sh [--out DIR] [--force]
# Builds the Wrenn minimal guest image from Debian packages only (as root), into DIR
# (default $WRENN_DATA_DIR/images/minimal, WRENN_DATA_DIR defaulting to ~/.wrenn):
#   vmlinux         uncompressed ELF kernel (PVH boot) from Debian's 6.12 cloud kernel
#   initramfs.cpio  uncompressed cpio: static busybox + the virtio modules, mounts /dev/vda
#   rootfs.ext4     debootstrap'ed bookworm + python3, git, curl, sudo... + guest agent, jlinked JRE, AOT cache
#   manifest.json   versions, sizes, input hash
# Everything is built in a temp dir and renamed into place; a rerun with unchanged inputs exits at
# once unless --force is given. Also read: WRENN_DEBIAN_MIRROR, WRENN_ROOTFS_SIZE (default: fitted to the content).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
DATA_DIR=${WRENN_DATA_DIR:-$HOME/.wrenn}
OUT=$DATA_DIR/images/minimal
FORCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || { echo "build.sh: --out needs a directory" >&2; exit 2; }; OUT=$2; shift 2 ;;
    --out=*) OUT=${1#--out=}; shift ;;
    --force) FORCE=1; shift ;;
    # The usage is the comment block at the top of this file.
    -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# The jlinked guest runtime and the AOT cache come from this JDK (25+; the machine default java is 17).
if [ -z "${JAVA_HOME:-}" ] || [[ "$("$JAVA_HOME/bin/java" -version 2>&1)" != *'version "25'* ]]; then
  JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
export JAVA_HOME
# The guest is bookworm whatever the host runs: every guest package comes from this suite's mirror
# through an apt of the guest's own (guest-apt.sh), never from the host's apt.
SUITE=bookworm
MIRROR=${WRENN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${WRENN_DEBIAN_SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}
KERNEL_META=linux-image-6.12-cloud-amd64
# Empty: sized to the content at step 7 (see there). Set, it is passed to truncate as it is (e.g. 4G).
ROOTFS_SIZE=${WRENN_ROOTFS_SIZE:-}
# Guest packages. busybox-static instead of busybox: static binaries start ~4x faster under TCG.
# sudo and python-is-python3 (`python`) are E2B's `base` template conventions that users' code relies on.
# The scientific stack and a Jupyter kernel serve the code interpreter template (templates/code-interpreter):
# installed here on the host, since installing them from a recipe under TCG emulation takes many minutes.
GUEST_PACKAGES=(python3 python3-pip python-is-python3 bash coreutils procps ca-certificates curl git iproute2
  busybox-static util-linux sudo)
# Installed with apt-get in the debootstrapped root (debootstrap's own resolver cannot configure them all) and
# without recommends. python3-munkres is the small choice of fonttools' "scipy | munkres": apt would otherwise
# take scipy, whose pythran pulls in g++, boost and the Python headers (the rootfs would triple).
GUEST_EXTRA_PACKAGES=(python3-ipykernel python3-numpy python3-pandas python3-matplotlib python3-matplotlib-inline
  python3-munkres)
# Kernel modules the initramfs loads (ext4, jbd2, crc32c are built in); dependencies are added.
INITRAMFS_MODULES=(virtio_mmio virtio_blk virtio_net)
HOST_TOOLS=(apt-get:apt gpgv:gpgv /usr/share/keyrings/debian-archive-keyring.gpg:debian-archive-keyring
  debootstrap:debootstrap mkfs.ext4:e2fsprogs cpio:cpio zstd:zstd xz:xz-utils qemu-img:qemu-utils
  strings:binutils readelf:binutils sha256sum:coreutils unshare:util-linux flock:util-linux dpkg-deb:dpkg)

CACHE=$DATA_DIR/cache/guest-image
T0=$(date +%s%N)
elapsed() { local ms=$(( ($(date +%s%N) - T0) / 1000000 )); printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100)); }
step() { printf '[%s/7] %s  (t=%s)\n' "$1" "$2" "$(elapsed)"; }
die() { echo "build.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, mkfs)"
[ -x "$JAVA_HOME/bin/jlink" ] || die "JDK 25 not found at $JAVA_HOME"

# ---------------------------------------------------------------- prerequisites
missing=()
for t in "${HOST_TOOLS[@]}"; do
  [[ "${t%%:*}" == /* ]] && { [ -e "${t%%:*}" ] || missing+=("${t#*:}"); continue; }
  command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u) # strings and readelf are both binutils
  echo "installing host prerequisites: ${missing[*]}"
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

# ---------------------------------------------------------------- 1. guest agent and code interpreter jars
step 1 "guest agent and code interpreter jars"
JAR=$REPO_ROOT/guest-agent/target/wrenn-guest-agent.jar
CI_JAR=$REPO_ROOT/code-interpreter/target/wrenn-code-interpreter.jar
stale() { [ ! -f "$1" ] || [ -n "$(find "$REPO_ROOT/$2/src/main" "$REPO_ROOT/$2/pom.xml" -newer "$1" -print -quit)" ]; }
if stale "$JAR" guest-agent || stale "$CI_JAR" code-interpreter; then
  echo "      building $JAR and $CI_JAR"
  (cd "$REPO_ROOT" && ./mvnw -q -B -ntp -pl guest-agent,code-interpreter package -DskipTests)
fi

# ---------------------------------------------------------------- input hash (cache key)
GUEST_APT=$CACHE/apt
. "$SCRIPT_DIR/guest-apt.sh"
guest_apt_update || die "cannot fetch the $SUITE package lists from $MIRROR and $SECURITY_MIRROR"
KERNEL_PKG=$(guest_apt_depends_image "$KERNEL_META")
[ -n "$KERNEL_PKG" ] || die "cannot resolve $KERNEL_META in $SUITE"
KERNEL_DEB_VERSION=$(guest_apt_candidate "$KERNEL_PKG")
BUSYBOX_DEB_VERSION=$(guest_apt_candidate busybox-static)
[ -n "$KERNEL_DEB_VERSION" ] && [ -n "$BUSYBOX_DEB_VERSION" ] || die "no $KERNEL_PKG or busybox-static in $SUITE"
JDK_VERSION=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release")
INPUT_HASH=$( {
  (cd "$SCRIPT_DIR" && find build.sh guest-apt.sh initramfs rootfs -type f | LC_ALL=C sort | xargs sha256sum)
  sha256sum < "$JAR"
  sha256sum < "$CI_JAR"
  echo "${GUEST_PACKAGES[*]} + ${GUEST_EXTRA_PACKAGES[*]} | ${INITRAMFS_MODULES[*]} | $KERNEL_PKG $KERNEL_DEB_VERSION | busybox $BUSYBOX_DEB_VERSION | jdk $JDK_VERSION | $SUITE $MIRROR $SECURITY_MIRROR | ${ROOTFS_SIZE:-fit}"
} | sha256sum | cut -c1-16)

if [ "$FORCE" = 0 ] && [ -f "$OUT/manifest.json" ] && grep -q "\"input_hash\": \"$INPUT_HASH\"" "$OUT/manifest.json" \
   && [ -f "$OUT/vmlinux" ] && [ -f "$OUT/initramfs.cpio" ] && [ -f "$OUT/rootfs.ext4" ]; then
  echo "up to date: $OUT (input hash $INPUT_HASH)"
  exit 0
fi

mkdir -p "$CACHE/debs" "$CACHE/debootstrap" "$(dirname "$OUT")"
# One build per output dir at a time.
exec 9>"$(dirname "$OUT")/.$(basename "$OUT").lock"
flock -n 9 || { echo "waiting for another build of $OUT"; flock 9; }
WORK=$(mktemp -d "$(dirname "$OUT")/.build-$(basename "$OUT").XXXXXX")
cleanup() {
  # Unmount anything left below WORK before deleting it (an interrupted debootstrap leaves proc/sys).
  local m
  for m in $(awk -v w="$WORK" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r); do umount -l "$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$WORK" || true
}
trap cleanup EXIT
STAGE=$WORK/out
mkdir -p "$STAGE"

fetch_deb() { # package version -> path of the cached .deb
  local dir="$CACHE/debs/$1/${2//:/_}"
  if ! ls "$dir"/*.deb >/dev/null 2>&1; then
    mkdir -p "$dir"
    (cd "$dir" && guest_apt apt-get download -q "$1=$2" >/dev/null) || die "apt-get download $1=$2 failed"
  fi
  ls "$dir"/*.deb | head -1
}

# ---------------------------------------------------------------- 2. kernel
step 2 "kernel $KERNEL_PKG $KERNEL_DEB_VERSION"
KDEB=$(fetch_deb "$KERNEL_PKG" "$KERNEL_DEB_VERSION")
mkdir -p "$WORK/kernel"
dpkg-deb -x "$KDEB" "$WORK/kernel"
KVER=$(ls "$WORK/kernel/lib/modules")
BZ=$WORK/kernel/boot/vmlinuz-$KVER
# bzImage layout (Documentation/arch/x86/boot.rst): setup_sects at 0x1f1; the protected-mode part
# starts at (setup_sects+1)*512; payload_offset (0x248) and payload_length (0x24c) locate the
# compressed vmlinux in it. The payload ends with the 4-byte decompressed size, which we check.
u8()  { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
[ "$(head -c 518 "$BZ" | tail -c 4)" = "HdrS" ] || die "$BZ is not a bzImage"
SETUP_SECTS=$(u8 "$BZ" $((0x1f1)))
PAYLOAD_START=$(( (SETUP_SECTS + 1) * 512 + $(u32 "$BZ" $((0x248))) ))
PAYLOAD_LEN=$(u32 "$BZ" $((0x24c)))
dd if="$BZ" of="$WORK/payload" bs=1M iflag=skip_bytes,count_bytes skip="$PAYLOAD_START" count="$PAYLOAD_LEN" status=none
MAGIC=$(od -An -tx1 -N6 "$WORK/payload" | tr -d ' ')
EXPECTED_SIZE=$(u32 "$WORK/payload" $((PAYLOAD_LEN - 4)))
case "$MAGIC" in
  28b52ffd*) head -c $((PAYLOAD_LEN - 4)) "$WORK/payload" | zstd -dcq > "$STAGE/vmlinux" ;;
  fd377a585a00) head -c $((PAYLOAD_LEN - 4)) "$WORK/payload" | xz -dcq --single-stream > "$STAGE/vmlinux" ;;
  1f8b*) head -c $((PAYLOAD_LEN - 4)) "$WORK/payload" | gzip -dcq > "$STAGE/vmlinux" || true ;;
  *) die "unknown kernel payload compression (magic $MAGIC)" ;;
esac
[ "$(head -c 4 "$STAGE/vmlinux" | od -An -tx1 | tr -d ' ')" = "7f454c46" ] || die "extracted kernel is not an ELF file"
[ "$(stat -c %s "$STAGE/vmlinux")" = "$EXPECTED_SIZE" ] || die "extracted kernel size does not match the bzImage's size field"
[[ "$(readelf -n "$STAGE/vmlinux")" == *0x00000012* ]] || die "vmlinux has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)"
rm -f "$WORK/payload"

# ---------------------------------------------------------------- 3. initramfs
step 3 "initramfs (busybox-static $BUSYBOX_DEB_VERSION, modules ${INITRAMFS_MODULES[*]})"
BBDEB=$(fetch_deb busybox-static "$BUSYBOX_DEB_VERSION")
mkdir -p "$WORK/bb" "$WORK/initramfs"/{bin,dev,proc,newroot,lib/modules}
dpkg-deb -x "$BBDEB" "$WORK/bb"
cp "$WORK/bb/bin/busybox" "$WORK/initramfs/bin/busybox"
ln -s busybox "$WORK/initramfs/bin/sh"
install -m 0755 "$SCRIPT_DIR/initramfs/init" "$WORK/initramfs/init"
MODDIR=$WORK/kernel/lib/modules/$KVER
declare -A SEEN=()
LOAD_ORDER=()
module_file() { find "$MODDIR" -name "$1.ko*" -print -quit; }
add_module() { # depth-first: dependencies load first
  local name=$1 f deps d
  [ -n "${SEEN[$name]:-}" ] && return
  SEEN[$name]=1
  f=$(module_file "$name"); [ -n "$f" ] || die "module $name not found in $KVER"
  case "$f" in
    *.xz) xz -dc "$f" > "$WORK/initramfs/lib/modules/$name.ko" ;;
    *.zst) zstd -dcq "$f" > "$WORK/initramfs/lib/modules/$name.ko" ;;
    *) cp "$f" "$WORK/initramfs/lib/modules/$name.ko" ;;
  esac
  deps=$(strings "$WORK/initramfs/lib/modules/$name.ko" | sed -n 's/^depends=//p')
  for d in ${deps//,/ }; do add_module "$d"; done
  LOAD_ORDER+=("$name")
}
for m in "${INITRAMFS_MODULES[@]}"; do add_module "$m"; done
printf '%s\n' "${LOAD_ORDER[@]}" > "$WORK/initramfs/lib/modules/load-order"
# Fixed mtimes and sorted names: the same inputs give the same bytes.
find "$WORK/initramfs" -exec touch -h -d @0 {} +
(cd "$WORK/initramfs" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) > "$STAGE/initramfs.cpio"

# ---------------------------------------------------------------- 4. rootfs base (cached by package list)
# Bump BASE_RECIPE when the debootstrap/trim commands below change.
BASE_RECIPE=3
BASE_KEY=$(echo "$BASE_RECIPE $SUITE $MIRROR ${GUEST_PACKAGES[*]} + ${GUEST_EXTRA_PACKAGES[*]}" | sha256sum | cut -c1-16)
BASE_TAR=$CACHE/rootfs-base-$BASE_KEY.tar
ROOT=$WORK/rootfs
if [ -f "$BASE_TAR" ]; then
  step 4 "rootfs: cached debootstrap base $(basename "$BASE_TAR")"
  mkdir -p "$ROOT" && tar -C "$ROOT" -xpf "$BASE_TAR"
else
  step 4 "rootfs: debootstrap --variant=minbase $SUITE (+${GUEST_PACKAGES[*]})"
  INCLUDE=$(IFS=,; echo "${GUEST_PACKAGES[*]}")
  debootstrap --variant=minbase --include="$INCLUDE" --exclude=busybox --cache-dir="$CACHE/debootstrap" \
    "$SUITE" "$ROOT" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 || { tail -30 "$WORK/debootstrap.log"; die "debootstrap failed"; }
  echo "      apt-get install --no-install-recommends ${GUEST_EXTRA_PACKAGES[*]}"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  unshare --mount --propagation private chroot "$ROOT" /bin/sh -c 'mount -t proc proc /proc &&
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends '"${GUEST_EXTRA_PACKAGES[*]}" \
    > "$WORK/apt.log" 2>&1 || { tail -30 "$WORK/apt.log"; die "apt-get install in the rootfs failed"; }
  : > "$ROOT/etc/resolv.conf"
  # Trim what a sandbox never needs; keep python's own files intact.
  chroot "$ROOT" apt-get clean
  rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* \
    "$ROOT"/usr/share/info/* "$ROOT"/var/log/*.log "$ROOT"/var/cache/debconf/*-old
  # The Python libraries' own test suites (a sixth of the rootfs): nothing imports them.
  find "$ROOT/usr/lib/python3/dist-packages" -depth -type d \( -name tests -o -name rubi_tests \) -exec rm -rf {} +
  find "$ROOT/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'C*' ! -name 'en*' -exec rm -rf {} + 2>/dev/null || true
  tar -C "$ROOT" -cpf "$BASE_TAR.tmp" . && mv "$BASE_TAR.tmp" "$BASE_TAR"
  find "$CACHE" -maxdepth 1 -name 'rootfs-base-*.tar' ! -name "$(basename "$BASE_TAR")" -delete
fi
ROOTFS_PKGS=$(chroot "$ROOT" dpkg-query -W -f='${Package}=${Version}\n' "${GUEST_PACKAGES[@]}" "${GUEST_EXTRA_PACKAGES[@]}" 2>/dev/null | paste -sd' ')

# ---------------------------------------------------------------- 5. guest files + jlinked runtime
step 5 "rootfs: guest init, agent, jlinked JDK $JDK_VERSION"
cp -a "$SCRIPT_DIR/rootfs/." "$ROOT/"
chmod 0755 "$ROOT/etc/wrenn/rc.sysinit" "$ROOT/etc/wrenn/agent.sh"
# sudo ignores a drop-in that is not root's and read-only (git keeps neither).
chown 0:0 "$ROOT/etc/sudoers.d/user" && chmod 0440 "$ROOT/etc/sudoers.d/user"
echo wrenn > "$ROOT/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\twrenn\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$ROOT/etc/hosts"
: > "$ROOT/etc/fstab"
"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.httpserver --strip-debug --no-man-pages --no-header-files \
  --output "$ROOT/opt/wrenn/jre"
install -m 0644 "$JAR" "$ROOT/opt/wrenn/guest-agent.jar"
install -m 0644 "$CI_JAR" "$ROOT/opt/wrenn/code-interpreter.jar"
mkdir -p "$ROOT/root" "$ROOT/tmp" && chmod 1777 "$ROOT/tmp"
# The unprivileged account envd's clients run as ("user", uid/gid 1000, E2B's layout). Written directly rather
# than with useradd, which stamps today's date into /etc/shadow: fixed lines keep the image a function of its
# inputs. The password is locked; processes reach the account through the agent's setpriv, not a login.
add_line() { grep -q "^${2%%:*}:" "$ROOT/etc/$1" 2>/dev/null || echo "$2" >> "$ROOT/etc/$1"; }
add_line passwd 'user:x:1000:1000::/home/user:/bin/bash'
add_line group 'user:x:1000:'
add_line shadow 'user:!::0:99999:7:::'
add_line gshadow 'user:!::'
chmod 0640 "$ROOT/etc/shadow" "$ROOT/etc/gshadow"
mkdir -p "$ROOT/home/user"
cp -a "$ROOT/etc/skel/." "$ROOT/home/user/" 2>/dev/null || true
chown -R 1000:1000 "$ROOT/home/user" && chmod 0755 "$ROOT/home/user"
# matplotlib builds its font list on first import (tens of seconds under TCG): build it here, for `user`, whose
# kernels the code interpreter template runs.
unshare --mount --propagation private chroot "$ROOT" /bin/busybox sh -c '/bin/busybox mount -t proc proc /proc &&
  cd /home/user && HOME=/home/user /usr/bin/setpriv --reuid=1000 --regid=1000 --init-groups \
    /usr/bin/python3 -c "import matplotlib.pyplot, pandas"' > "$WORK/mpl.log" 2>&1 || { cat "$WORK/mpl.log"; die "python stack import failed"; }

# ---------------------------------------------------------------- 6. AOT cache (training run in the rootfs)
step 6 "AOT cache: training run in a chroot of the rootfs"
# Same runtime, same jar path and flags as in the guest, so the JVM accepts the cache at boot.
# A private mount namespace makes the /proc and /dev/pts mounts vanish with the process. The training
# opens terminals: /dev/ptmx finds its devpts instance at /dev/pts, a private one here.
unshare --mount --propagation private chroot "$ROOT" /bin/busybox sh -c '
  /bin/busybox mount -t proc proc /proc &&
  /bin/busybox mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts &&
  cd /root && HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin /opt/wrenn/jre/bin/java @/opt/wrenn/jvm.args \
    -XX:AOTCacheOutput=/opt/wrenn/guest-agent.aot -cp /opt/wrenn/guest-agent.jar dev.wrenn.guestagent.GuestAgent --train' \
  > "$WORK/aot.log" 2>&1 || { cat "$WORK/aot.log"; die "AOT training run failed"; }
[ -s "$ROOT/opt/wrenn/guest-agent.aot" ] || { cat "$WORK/aot.log"; die "no AOT cache written"; }
rm -rf "$ROOT/tmp/"* "$ROOT/root/"* 2>/dev/null || true

# ---------------------------------------------------------------- 7. ext4 image + manifest
# The base must be smaller than the smallest sandbox disk (the host agent's qcow2 overlay gives each sandbox
# its own virtual size and the guest's init grows the ext4 to fill it), so by default it is the content plus
# a quarter and 64 MiB for the journal and metadata, rounded up to 16 MiB. 4 KiB blocks and the default
# usage type: below 512 MiB mkfs would pick 1 KiB blocks, a poor start for a file system grown to gigabytes.
if [ -z "$ROOTFS_SIZE" ]; then
  CONTENT_KIB=$(du -sk "$ROOT" | cut -f1)
  ROOTFS_MIB=$(( (CONTENT_KIB * 5 / 4 / 1024 + 64 + 15) / 16 * 16 ))
  ROOTFS_SIZE=${ROOTFS_MIB}M
fi
step 7 "rootfs.ext4 ($ROOTFS_SIZE, mkfs.ext4 -d)"
truncate -s "$ROOTFS_SIZE" "$STAGE/rootfs.ext4"
mkfs.ext4 -q -F -L wrenn-root -m 0 -b 4096 -T default -E lazy_itable_init=0,lazy_journal_init=0 -d "$ROOT" \
  "$STAGE/rootfs.ext4"

size() { stat -c %s "$1"; }
used() { du -k "$1" | cut -f1; }
cat > "$STAGE/manifest.json" <<JSON
{
  "name": "minimal",
  "input_hash": "$INPUT_HASH",
  "built_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "kernel": {"version": "$KVER", "package": "$KERNEL_PKG", "package_version": "$KERNEL_DEB_VERSION", "modules": "$(echo "${LOAD_ORDER[*]}")"},
  "busybox_static": "$BUSYBOX_DEB_VERSION",
  "jdk": "$JDK_VERSION",
  "suite": "$SUITE",
  "packages": "$ROOTFS_PKGS",
  "guest_agent_jar_sha256": "$(sha256sum < "$JAR" | cut -d' ' -f1)",
  "code_interpreter_jar_sha256": "$(sha256sum < "$CI_JAR" | cut -d' ' -f1)",
  "files": {
    "vmlinux": {"bytes": $(size "$STAGE/vmlinux"), "sha256": "$(sha256sum < "$STAGE/vmlinux" | cut -d' ' -f1)"},
    "initramfs.cpio": {"bytes": $(size "$STAGE/initramfs.cpio"), "sha256": "$(sha256sum < "$STAGE/initramfs.cpio" | cut -d' ' -f1)"},
    "rootfs.ext4": {"bytes": $(size "$STAGE/rootfs.ext4"), "allocated_kib": $(used "$STAGE/rootfs.ext4"), "sha256": "$(sha256sum < "$STAGE/rootfs.ext4" | cut -d' ' -f1)"}
  },
  "guest": {"ip": "169.254.0.21/30", "gateway": "169.254.0.22", "agent_port": 49983, "root": "/dev/vda"},
  "cmdline": "console=ttyS0 quiet loglevel=1 panic=-1 mitigations=off cryptomgr.notests no_timer_check tsc=reliable tsc_early_khz=2500000 random.trust_cpu=on 8250.nr_uarts=1 audit=0 initcall_blacklist=jent_mod_init,bpf_tcp_ca_kfunc_init,load_system_certificate_list,bpf_dummy_struct_ops_init,crypto_kdf108_init,init_kprobe_trace root=/dev/vda rw"
}
JSON

# Swap into place: a failed build above never touched OUT.
if [ -e "$OUT" ]; then
  mv -T "$OUT" "$WORK/previous"
fi
mv -T "$STAGE" "$OUT"
echo "done in $(elapsed): $OUT"
ls -ls "$OUT"
