#!/bin/sh
# The setgid deployment, on the machine that runs Bulwark, as root: the
# system group bulwark, the key helper setgid to it (mode 2755), the
# system key-database directory 0750 root:bulwark and the database and
# stash in it 0640 root:bulwark (bulwark-keyd(8)). make install SETGID=1
# runs it; with DESTDIR (a package being built on another machine) make
# install only installs it, as PREFIX/libexec/bulwark/setgid-setup, for
# the package's post-install to run: the build host's groups and owners
# are not the target's. The paths are filled in by make install.
set -eu
keyd='@KEYD_PATH@'
dir='@SYSTEM_DIR@'

if [ "$(id -u)" != 0 ]; then
	echo "BWK0559E setgid-setup: run as root, on the machine that runs Bulwark: it creates the group bulwark and sets owners" >&2
	exit 1
fi
if [ ! -f "$keyd" ]; then
	echo "BWK0560E setgid-setup: $keyd is missing; install Bulwark first (make install)" >&2
	exit 1
fi
getent group bulwark >/dev/null || groupadd --system bulwark
# the group first: a setgid bit on a file of another group grants that one
chown root:bulwark "$keyd"
chmod 2755 "$keyd"
[ -d "$(dirname "$dir")" ] || install -d -m 0755 "$(dirname "$dir")"
install -d -m 0750 -o root -g bulwark "$dir"
chown root:bulwark "$dir"
chmod 0750 "$dir"
for f in bulwark.kdb bulwark.sth; do
	if [ -f "$dir/$f" ]; then
		chown root:bulwark "$dir/$f"
		chmod 0640 "$dir/$f"
	fi
done
