#!/bin/sh
# One NIST PKITS case as bulwark verify, for ../shared/tools/pkits-run
# --cmd (the same contract as limbo-run's, with the RFC 5280 6.1.1 inputs
# in PKITS_*). BULWARK is the absolute path of the program.
set -- --ca "$LIMBO_TRUSTED" --chain "$LIMBO_UNTRUSTED" --cert "$LIMBO_PEER" \
    --time "$LIMBO_TIME"
[ -z "$LIMBO_CRLS" ] || set -- "$@" --crl "$LIMBO_CRLS"
[ -z "$PKITS_POLICY_SET" ] || set -- "$@" --cert-policy "$PKITS_POLICY_SET"
[ -z "$PKITS_EXPLICIT_POLICY" ] || set -- "$@" --require-explicit-policy
[ -z "$PKITS_INHIBIT_MAP" ] || set -- "$@" --inhibit-policy-mapping
[ -z "$PKITS_INHIBIT_ANY" ] || set -- "$@" --inhibit-any-policy
exec "$BULWARK" verify "$@"
