# Sourced by build.sh: an apt of the guest's own, so the guest's kernel and busybox come from the
# guest's suite whatever release the host runs (a Debian 13 host has no bookworm packages in its
# own apt, and its 6.12 kernel is a different build). It has its own sources, package lists and
# dpkg status under $GUEST_APT; only the host's apt binaries, keyring and apt.conf.d (proxies) are used.
# Needs: SUITE, MIRROR, SECURITY_MIRROR, GUEST_APT.

GUEST_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

guest_apt_init() {
  mkdir -p "$GUEST_APT"/{sources.list.d,preferences.d,state/lists/partial,cache/archives/partial}
  : > "$GUEST_APT/status"
  local s="[signed-by=$GUEST_KEYRING]"
  cat > "$GUEST_APT/sources.list" <<EOF
deb $s $MIRROR $SUITE main
deb $s $MIRROR $SUITE-updates main
deb $s $SECURITY_MIRROR $SUITE-security main
EOF
  cat > "$GUEST_APT/apt.conf" <<EOF
Dir::Etc::SourceList "$GUEST_APT/sources.list";
Dir::Etc::SourceParts "$GUEST_APT/sources.list.d";
Dir::Etc::Preferences "$GUEST_APT/preferences";
Dir::Etc::PreferencesParts "$GUEST_APT/preferences.d";
Dir::State "$GUEST_APT/state";
Dir::State::status "$GUEST_APT/status";
Dir::Cache "$GUEST_APT/cache";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
Acquire::Languages "none";
APT::Sandbox::User "root";
EOF
}

guest_apt() { APT_CONFIG="$GUEST_APT/apt.conf" "$@"; }

# Refreshes the package lists; offline, lists from an earlier build are used (with a warning).
guest_apt_update() {
  guest_apt_init
  local lock rc=0
  exec {lock}>"$GUEST_APT/.lock"
  flock "$lock" # builds of other output dirs share these lists
  guest_apt apt-get update -q >"$GUEST_APT/update.log" 2>&1 || rc=$?
  exec {lock}>&-
  if [ "$rc" != 0 ]; then
    if compgen -G "$GUEST_APT/state/lists/*Packages*" >/dev/null; then
      echo "      warning: apt-get update for $SUITE failed; using the package lists of an earlier build" >&2
    else
      tail -5 "$GUEST_APT/update.log" >&2
      return 1
    fi
  fi
}

# The version apt would install of package $1, or nothing.
guest_apt_candidate() { guest_apt apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ && $2 != "(none)" {print $2}'; }

# The linux-image-* package that meta package $1 depends on.
guest_apt_depends_image() { guest_apt apt-cache depends "$1" 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}'; }
