#!/usr/bin/env python3
"""Writes each x509-limbo SERVER case that expects SUCCESS as a directory
of tests/test_verify.c's limbo_success_cases: trusted.pem, untrusted.pem,
peer.pem (crls.pem), the case's id, and the bulwark verify arguments one a
line, with the purpose mapping of docs/conformance.md. Prints the count.

  tests/verify/limbo-success.py LIMBO_JSON OUTDIR
"""
import datetime, json, os, sys
d = json.load(open(sys.argv[1])); out = sys.argv[2]; n = 0
for c in d['testcases']:
    if c['expected_result'] != 'SUCCESS' or c.get('validation_kind') != 'SERVER':
        continue
    dd = os.path.join(out, '%03d' % n); os.makedirs(dd); n += 1
    def put(name, items):
        p = os.path.join(dd, name)
        with open(p, 'w') as f:
            for i in items: f.write(i if i.endswith('\n') else i + '\n')
        return p
    args = ['--ca', put('trusted.pem', c.get('trusted_certs') or []),
            '--chain', put('untrusted.pem', c.get('untrusted_intermediates') or []),
            '--cert', put('peer.pem', [c['peer_certificate']])]
    name = c.get('expected_peer_name') or {}
    if name.get('kind') == 'DNS': args += ['--host', name['value']]
    if name.get('kind') == 'IP': args += ['--ip', name['value']]
    if c.get('validation_time'):
        t = datetime.datetime.fromisoformat(c['validation_time'].replace('Z', '+00:00'))
        args += ['--time', str(int(t.timestamp()))]
    if 'serverAuth' in (c.get('extended_key_usage') or []) or c.get('key_usage') \
            or c['id'].startswith('webpki::'):
        args += ['--purpose', 'serverAuth']
    if c.get('max_chain_depth') is not None: args += ['--max-depth', str(c['max_chain_depth'])]
    if c.get('crls'): args += ['--crl', put('crls.pem', c['crls'])]
    open(os.path.join(dd, 'id'), 'w').write(c['id'])
    open(os.path.join(dd, 'args'), 'w').write('\n'.join(args) + '\n')
print(n)
