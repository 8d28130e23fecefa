#!/usr/bin/env bash
# The Debian packages, end to end (make pkg-check, from make check): build
# them (make deb), let lintian check them, install them on this machine,
# start the installed server as _bulwarkd without systemd, register a
# node, and as an ordinary user back a tree up and restore it with the
# installed programs against the system key database; then purge the
# packages and check that the machine is as it was: the same packages,
# users and groups, and nothing left of what the packages made.
#
# On this machine, not in a debootstrap chroot: a fresh bookworm chroot
# is a mirror download of minutes, past what make check can spend
# (README.md, Packages). The machine must hold nothing of Bulwark's
# packages beforehand, since purging them is part of the test; only the
# group bulwark may be there (below).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
t_start=$(date +%s)

skip() { echo "package test: $*, skipped"; exit 0; }
[ "$(id -u)" = 0 ] || skip "not root (it installs and purges packages)"
for t in dpkg-buildpackage dh lintian; do
	command -v "$t" >/dev/null || skip "$t is missing (make deps installs it)"
done

pkgs=(bulwark-client bulwark-server libbulwark0 libbulwark-dev)
user=bwkpkgtest
# what the packages make, and what this test makes: none may exist yet
made_paths=(/etc/bulwark /etc/bulwark.sys /var/lib/bulwarkd /usr/libexec/bulwark
	/etc/systemd/system/multi-user.target.wants/bulwarkd.service)
for p in "${pkgs[@]}"; do
	if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv '^not-installed$'; then
		skip "$p is installed here, and the test would purge it"
	fi
done
for f in "${made_paths[@]}"; do
	[ ! -e "$f" ] || skip "$f exists, and the packages' purge would remove it"
done
for n in bulwark _bulwarkd $user; do
	! getent passwd "$n" >/dev/null || skip "the user $n exists, and the purge would remove it"
done
for n in _bulwarkd $user; do
	! getent group "$n" >/dev/null || skip "the group $n exists, and the purge would remove it"
done
# The group bulwark may be there already: make check's setgid install
# (scripts/setgid-setup.sh) makes it and leaves it. The client's postinst
# takes it as it is and its purge removes it, so it is made again after,
# with its id and members, as it was.
group_before=$(getent group bulwark || true)
restore_group() {
	local gid members
	[ -n "$group_before" ] && ! getent group bulwark >/dev/null || return 0
	gid=$(echo "$group_before" | cut -d: -f3)
	members=$(echo "$group_before" | cut -d: -f4)
	groupadd --system --gid "$gid" bulwark
	[ -z "$members" ] || gpasswd -M "$members" bulwark >/dev/null
}

work=$(mktemp -d /tmp/bulwark-pkg.XXXXXX)
state() { # what must be the same after the test
	dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\n' | sort
	cut -d: -f1,3,4 /etc/passwd | sort
	cut -d: -f1,3 /etc/group | sort
	dpkg-statoverride --list | sort
}
state >"$work/before"
server_pid=
installed=0
cleanup() {
	local rc=$?
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	getent passwd $user >/dev/null && userdel $user
	rm -f /etc/bulwark.sys
	# a failed run still leaves the machine as it was
	[ "$installed" = 0 ] || dpkg --purge "${pkgs[@]}" >>"$work/dpkg.log" 2>&1 || true
	restore_group || true
	if [ $rc != 0 ]; then
		echo "package test: FAILED" >&2
		for f in "$work"/*.log; do
			[ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
		done
	fi
	rm -rf "$work"
	exit $rc
}
trap cleanup EXIT
fail() { echo "package test: $*" >&2; exit 1; }

echo "== the packages: built (make deb), checked by lintian"
DEB_BUILD_OPTIONS=noautodbgsym scripts/build-deb.sh >/dev/null
debs=()
for p in "${pkgs[@]}"; do
	debs+=("$(ls build/deb/"${p}"_*.deb)")
done
# errors fail; warnings too, so that none creeps in
lrc=0
lintian --fail-on error,warning build/deb/*.changes >"$work/lintian.out" 2>&1 || lrc=$?
grep -v 'running with root privileges' "$work/lintian.out" >"$work/lintian.log" || true
cat "$work/lintian.log"
[ "$lrc" = 0 ] || fail "lintian reports errors or warnings (above)"
echo "lintian: $(grep -c '^E:' "$work/lintian.log" || true) errors," \
	"$(grep -c '^W:' "$work/lintian.log" || true) warnings"

echo "== installed"
installed=1
dpkg -i "${debs[@]}" >"$work/dpkg.log" 2>&1 || fail "dpkg -i failed"
[ "$(stat -c '%a %U:%G' /usr/libexec/bulwark/bulwark-keyd)" = "2755 root:bulwark" ] ||
	fail "the client's helper is not 2755 root:bulwark"
[ "$(stat -c '%a %U:%G' /usr/libexec/bulwark/bulwarkd-keyd)" = "755 root:root" ] ||
	fail "the server's helper is not 0755 root:root"
[ "$(stat -c '%a %U:%G' /etc/bulwark)" = "750 root:bulwark" ] ||
	fail "/etc/bulwark is not 0750 root:bulwark"
inst=/var/lib/bulwarkd
[ "$(stat -c '%a %U' $inst)" = "700 _bulwarkd" ] && [ -f $inst/cert256.arm ] ||
	fail "no instance of _bulwarkd in $inst"

echo "== the server, as _bulwarkd with no_new_privs as its unit runs it"
for _ in $(seq 100); do
	port=$((20000 + RANDOM % 20000))
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
done
as_server() { (cd / && setpriv --reuid=_bulwarkd --regid=_bulwarkd --init-groups \
	--no-new-privs -- "$@"); }
printf 'TCPPORT %s\nBWKLISTENADDRESS 127.0.0.1\n' "$port" |
	as_server sh -c "cat >$inst/bulwarkd.opt"
printf 'pkg-test-password-1\n' |
	as_server /usr/sbin/bulwarkd --instance $inst node register pkgnode >/dev/null
cd /
setpriv --reuid=_bulwarkd --regid=_bulwarkd --init-groups --no-new-privs -- \
	/usr/sbin/bulwarkd --instance $inst >"$work/server.log" 2>&1 &
server_pid=$!
cd "$top"
for _ in $(seq 100); do
	grep -q BWK1021I "$work/server.log" && break
	kill -0 "$server_pid" 2>/dev/null || fail "the server stopped"
	sleep 0.1
done
grep -q BWK1021I "$work/server.log" || fail "the server did not start listening"

echo "== the system key database and options file, as root"
cat >/etc/bulwark.sys <<SYS
* written by tests/pkg-test.sh, removed after it
SERVERNAME srv1
   TCPSERVERADDRESS      127.0.0.1
   TCPPORT               $port
   NODENAME              pkgnode
   PASSWORDACCESS        GENERATE
   SSLACCEPTCERTFROMSERV NO
   SUBDIR                YES
SYS
chmod 0644 /etc/bulwark.sys
env -u BULWARK_DIR bulwark-cert -add -server srv1 -file $inst/cert256.arm >/dev/null
printf 'pkg-test-password-1\n' | env -u BULWARK_DIR bulwark-cert -nodepw -server srv1 \
	-node pkgnode >/dev/null
[ "$(stat -c '%a %U:%G' /etc/bulwark/bulwark.kdb)" = "640 root:bulwark" ] ||
	fail "the system key database is not 0640 root:bulwark"

echo "== a backup and a restore by an ordinary user"
home=$work/home
chmod 0711 "$work"
useradd --no-create-home --home-dir "$home" --shell /usr/sbin/nologin $user
install -d -o $user -m 0700 "$home"
as_user() { (cd "$home" && runuser -u $user -- env -i PATH=/usr/bin:/bin HOME="$home" "$@"); }
as_user sh -c 'mkdir -p data/sub "data/a dir" &&
	head -c 300000 /dev/urandom >data/big && echo one >"data/a dir/one file" &&
	printf "two\n" >data/sub/two && ln -s sub/two data/link && : >data/empty &&
	chmod 0600 data/sub/two'
! as_user cat /etc/bulwark/bulwark.kdb >/dev/null 2>&1 || fail "the user read the key database"
as_user /usr/bin/bulwark check >"$work/check.log" 2>&1 || fail "bulwark check failed"
as_user /usr/bin/bulwark incremental "$home/data" >"$work/backup.log" 2>&1 ||
	fail "the backup failed"
as_user /usr/bin/bulwark restore "$home/data/" "$home/restored" >"$work/restore.log" 2>&1 ||
	fail "the restore failed"
diff -r --no-dereference "$home/data" "$home/restored" || fail "the restore differs"
(cd "$home/data" && find . -mindepth 1 -printf '%P %y %m %s\n' | sort) >"$work/a.list"
(cd "$home/restored" && find . -mindepth 1 -printf '%P %y %m %s\n' | sort) >"$work/b.list"
diff "$work/a.list" "$work/b.list" || fail "the restored modes differ"
echo "restored: $(wc -l <"$work/a.list") entries, identical"

echo "== purged"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
userdel $user
rm -f /etc/bulwark.sys
dpkg --purge "${pkgs[@]}" >>"$work/dpkg.log" 2>&1 || fail "dpkg --purge failed"
installed=0
getent group bulwark >/dev/null && fail "the group bulwark is left after the purge"
restore_group
for f in "${made_paths[@]}"; do
	[ ! -e "$f" ] || fail "$f is left after the purge"
done
state >"$work/after"
diff -u "$work/before" "$work/after" || fail "the machine differs after the purge (above)"
echo "package test: passed in $(($(date +%s) - t_start)) s"
