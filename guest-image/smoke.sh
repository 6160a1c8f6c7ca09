#!/usr/bin/env bash
# Boots the guest image under QEMU (microvm, TCG unless WRENN_ACCEL=kvm) with user-mode networking,
# then checks the guest agent: /health, /exec python3, a file round trip. Prints timings.
# Usage: guest-image/smoke.sh [--image DIR] [--net user|tap] [--keep] [--hold]
#   --net tap  (root) boots like the host agent does: a TAP device in a fresh network namespace,
#              the image's built-in guest address 169.254.0.21/30 and gateway 169.254.0.22
# Env: WRENN_ACCEL=kvm to try KVM; WRENN_SMOKE_APPEND="loglevel=7" appends to the kernel command line;
#      WRENN_SMOKE_QEMU_ARGS="-device vmgenid" adds QEMU arguments.
#   --keep  keep the run dir (serial log, overlay); --hold  leave the VM running afterwards (port and
#   token in RUN/env) until this script is interrupted
set -euo pipefail
IMG=${WRENN_DATA_DIR:-$HOME/.wrenn}/images/minimal
KEEP=0
HOLD=0
NET=user
while [ $# -gt 0 ]; do
  case "$1" in
    --image) IMG=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --hold) HOLD=1; KEEP=1; shift ;;
    --net) NET=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
ACCEL=${WRENN_ACCEL:-tcg}
for f in vmlinux initramfs.cpio rootfs.ext4; do [ -f "$IMG/$f" ] || { echo "missing $IMG/$f (run guest-image/build.sh)" >&2; exit 1; }; done
command -v qemu-system-x86_64 >/dev/null || apt-get install -y -q qemu-system-x86 >/dev/null
command -v qemu-img >/dev/null || apt-get install -y -q qemu-utils >/dev/null
command -v curl >/dev/null || apt-get install -y -q curl >/dev/null

RUN=$(mktemp -d /tmp/wrenn-smoke.XXXXXX)
QEMU_PID=
NS=
finish() {
  [ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null && wait "$QEMU_PID" 2>/dev/null || true
  [ -n "$NS" ] && ip netns del "$NS" 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then echo "kept $RUN"; else rm -rf "$RUN"; fi
}
trap finish EXIT
trap "exit 130" INT TERM

TOKEN=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
NETCMD=()
case "$NET" in
  user)
    PORT=$(( 20000 + $$ % 20000 ))
    while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
    BASE=http://127.0.0.1:$PORT
    NETDEV="user,id=n0,hostfwd=tcp:127.0.0.1:$PORT-:49983"
    NETARGS="wrenn.ip=10.0.2.15/24 wrenn.gw=10.0.2.2 wrenn.dns=10.0.2.3" ;;
  tap)
    NS=wrenn-smoke-$$
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    ip -n "$NS" tuntap add dev tap0 mode tap
    ip -n "$NS" addr add 169.254.0.22/30 dev tap0
    ip -n "$NS" link set tap0 up
    NETCMD=(ip netns exec "$NS")
    PORT=49983
    BASE=http://169.254.0.21:49983
    NETDEV="tap,id=n0,ifname=tap0,script=no,downscript=no"
    NETARGS="" ;;
  *) echo "--net must be user or tap" >&2; exit 2 ;;
esac
qemu-img create -q -f qcow2 -F raw -b "$IMG/rootfs.ext4" "$RUN/overlay.qcow2"

# Fast boot command line (see /work/shared/ENGINE-NOTES.md). slirp's guest network is 10.0.2.0/24,
# hence the wrenn.ip/gw/dns overrides; the host agent's TAP setup uses the built-in 169.254.0.21/30.
CMDLINE="console=ttyS0 quiet loglevel=1 panic=-1 mitigations=off cryptomgr.notests no_timer_check tsc=reliable tsc_early_khz=2500000 random.trust_cpu=on 8250.nr_uarts=1 audit=0 initcall_blacklist=jent_mod_init,bpf_tcp_ca_kfunc_init,load_system_certificate_list,bpf_dummy_struct_ops_init,crypto_kdf108_init,init_kprobe_trace root=/dev/vda rw wrenn.token=$TOKEN $NETARGS ${WRENN_SMOKE_APPEND:-}"

# Like the host agent (QemuFirmware): qboot when the host has it, else QEMU's default firmware, which
# boots the kernel through the option ROMs that microvm enables by default.
BIOS=()
for d in $(qemu-system-x86_64 -L help); do
  [ -f "$d/qboot.rom" ] && { BIOS=(-bios "$d/qboot.rom"); break; }
done

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
T0=$(now_ms)
"${NETCMD[@]}" qemu-system-x86_64 -M microvm "${BIOS[@]}" -accel "$ACCEL" -cpu max -smp 1 -m 512 \
  -nodefaults -no-user-config -nographic -no-reboot \
  -kernel "$IMG/vmlinux" -initrd "$IMG/initramfs.cpio" -append "$CMDLINE" \
  -drive id=root,file="$RUN/overlay.qcow2",format=qcow2,if=none \
  -device virtio-blk-device,drive=root \
  -netdev "$NETDEV" \
  -device virtio-net-device,netdev=n0,mac=02:77:72:6e:00:01 \
  ${WRENN_SMOKE_QEMU_ARGS:-} -serial file:"$RUN/serial.log" > "$RUN/qemu.log" 2>&1 &
QEMU_PID=$!

api() { "${NETCMD[@]}" curl -sS --max-time "${TIMEOUT:-30}" -H "Authorization: Bearer $TOKEN" "$@"; }
echo "booting $IMG (accel=$ACCEL, net=$NET, agent at $BASE, serial log $RUN/serial.log)"
while true; do
  if ! kill -0 "$QEMU_PID" 2>/dev/null; then echo "QEMU exited"; cat "$RUN/qemu.log" "$RUN/serial.log"; exit 1; fi
  if [ $(( $(now_ms) - T0 )) -gt 120000 ]; then echo "agent did not answer within 120 s"; cat "$RUN/serial.log"; exit 1; fi
  # envd's /health answers 204 with no body.
  if out=$(TIMEOUT=2 api -o /dev/null -w '%{http_code}' "$BASE/health" 2>/dev/null) && [ "$out" = 204 ]; then break; fi
  sleep 0.05
done
T_HEALTH=$(now_ms)
echo "health:      $out"

T1=$(now_ms)
out=$(api -X POST "$BASE/exec" -d '{"cmd":"python3","args":["-c","print(6*7)"],"timeout_ms":60000}')
T_EXEC1=$(now_ms)
echo "exec 1:      $out"
[[ "$out" == *'"stdout":"42\n"'* ]] || { echo "FAIL: unexpected exec answer"; cat "$RUN/serial.log"; exit 1; }
T2=$(now_ms)
out=$(api -X POST "$BASE/exec" -d '{"cmd":"python3","args":["-c","print(6*7)"]}')
T_EXEC2=$(now_ms)
T3=$(now_ms)
out3=$(api -X POST "$BASE/exec" -d '{"cmd":"sh","args":["-c","echo hi; uname -r; ip -4 addr show eth0 | grep inet"]}')
T_EXEC3=$(now_ms)
echo "exec sh:     $out3"

out4=$(api -X POST "$BASE/exec" -d '{"cmd":"sh","args":["-c","tr \"\\n\" \" \" < /etc/resolv.conf; curl -sS -o /dev/null -m 10 -w \"http %{http_code}\" http://deb.debian.org/debian/ 2>&1"],"timeout_ms":20000}')
echo "egress (info): $out4"

head -c $((20 * 1024 * 1024)) /dev/urandom > "$RUN/up.bin"
T4=$(now_ms)
api -X PUT --data-binary @"$RUN/up.bin" "$BASE/files?path=/tmp/up.bin" -o /dev/null -w '%{http_code}\n' > "$RUN/put.code"
T_PUT=$(now_ms)
TIMEOUT=120 api "$BASE/files?path=/tmp/up.bin" -o "$RUN/down.bin"
T_GET=$(now_ms)
if [ "$(sha256sum < "$RUN/up.bin")" = "$(sha256sum < "$RUN/down.bin")" ]; then FILES=ok; else FILES=MISMATCH; fi

echo
echo "boot to agent answering /health: $((T_HEALTH - T0)) ms"
echo "first exec python3 (42):         $((T_EXEC1 - T1)) ms"
echo "second exec python3:             $((T_EXEC2 - T2)) ms"
echo "exec sh -c (uname, ip):         $((T_EXEC3 - T3)) ms"
echo "PUT 20 MiB:                      $((T_PUT - T4)) ms (HTTP $(cat "$RUN/put.code"))"
echo "GET 20 MiB:                      $((T_GET - T_PUT)) ms (sha256 $FILES)"
echo "guest agent log lines:"
grep -a wrenn "$RUN/serial.log" | sed 's/^/  /' || true
[ "$FILES" = ok ] || exit 1
echo "SMOKE OK"
if [ "$HOLD" = 1 ]; then
  printf 'BASE=%s\nTOKEN=%s\nNS=%s\n' "$BASE" "$TOKEN" "$NS" > "$RUN/env"
  echo "holding the VM: . $RUN/env; ${NETCMD[*]} curl -H \"Authorization: Bearer \$TOKEN\" \$BASE/health"
  wait "$QEMU_PID" || true
fi
