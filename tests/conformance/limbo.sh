#!/bin/sh
# One x509-limbo case as bulwark verify, for ../shared/tools/limbo-run
# --cmd (its contract is at the top of that script: the case comes in
# LIMBO_*, exit 0 is accepted, 77 not supported, anything else refused).
# BULWARK is the absolute path of the program. docs/conformance.md says
# why each case maps onto the options as it does.
set -- --ca "$LIMBO_TRUSTED" --chain "$LIMBO_UNTRUSTED" --cert "$LIMBO_PEER"
case "$LIMBO_PEER_KIND" in
DNS)	set -- "$@" --host "$LIMBO_PEER_NAME" ;;
IP)	set -- "$@" --ip "$LIMBO_PEER_NAME" ;;
RFC822)	exit 77 ;;	# e-mail identities: not a TLS server's
esac
# webpki:: is the CA/Browser Forum profile of a TLS server's certificate
case "$LIMBO_EKU" in
"")	case "$LIMBO_ID" in webpki::*) set -- "$@" --purpose serverAuth ;; esac ;;
serverAuth) set -- "$@" --purpose serverAuth ;;
*)	exit 77 ;;
esac
[ -z "$LIMBO_TIME" ] || set -- "$@" --time "$LIMBO_TIME"
[ -z "$LIMBO_MAX_DEPTH" ] || set -- "$@" --max-depth "$LIMBO_MAX_DEPTH"
[ -z "$LIMBO_CRLS" ] || set -- "$@" --crl "$LIMBO_CRLS"
exec "$BULWARK" verify "$@"
