#!/bin/sh
# The test PKI of tests/test_verify.c, made with openssl in DIR:
#
#   tests/verify/gen-pki.sh DIR
#
# issue NAME ISSUER EXTENSIONS DAYS [DIGEST] [KEY]: a P-256 key (or
# KEY=rsa1024) and a certificate from ISSUER, with key identifiers as RFC
# 5280 asks. One chain per rule the tests check; DIR/.done when complete.
set -e
cd "$1"
o() { openssl "$@" 2>/dev/null; }
key() { case "$2" in rsa*) o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:${2#rsa} -out "$1.key";;
        *) o ecparam -name prime256v1 -genkey -noout -out "$1.key";; esac; }
root() { key "$1"; o req -new -x509 -key "$1.key" -sha256 -days 3650 -subj "/CN=$1" \
   -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
   -addext 'subjectKeyIdentifier=hash' -out "$1.pem"; }
issue() {
  [ -f "$1.key" ] || key "$1" "$6"
  o req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr"
  printf "$3\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n" >"$1.ext"
  o x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -"${5:-sha256}" \
     -days "$4" -extfile "$1.ext" -out "$1.pem"
}
CA='basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign'
PL0='basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign'
LEAF='basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth'
root root
root evilroot
issue inter root "$CA" 3000
issue leaf inter "$LEAF\nsubjectAltName=DNS:server.test,IP:127.0.0.1,IP:::1" 825
issue shortinter root "$CA" 1
issue shortleaf shortinter "$LEAF\nsubjectAltName=DNS:server.test" 825
issue evilleaf evilroot "$LEAF\nsubjectAltName=DNS:server.test" 825
issue ncinter root "$CA\nnameConstraints=critical,permitted;DNS:allowed.test" 3000
issue ncbad ncinter "$LEAF\nsubjectAltName=DNS:evil.test" 825
issue ncgood ncinter "$LEAF\nsubjectAltName=DNS:www.allowed.test" 825
issue wild inter "$LEAF\nsubjectAltName=DNS:*.wild.test" 825
issue badwild inter "$LEAF\nsubjectAltName=DNS:f*o.wild.test" 825
issue cnonly inter "$LEAF" 825
issue pl0 root "$PL0" 3000
issue pl0sub pl0 "$CA" 3000
issue pl0leaf pl0sub "$LEAF\nsubjectAltName=DNS:server.test" 825
issue notca root 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature' 3000
issue notcaleaf notca "$LEAF\nsubjectAltName=DNS:server.test" 825
issue sha1inter root "$CA" 3000 sha1
issue sha1leaf sha1inter "$LEAF\nsubjectAltName=DNS:server.test" 825
issue weakleaf inter "$LEAF\nsubjectAltName=DNS:server.test" 825 sha256 rsa1024
issue clientleaf inter 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:server.test' 825
issue revleaf inter "$LEAF\nsubjectAltName=DNS:server.test" 825
# RSA-PSS from an RSA root: SHA-256 throughout, and MGF1 left on SHA-1
key rsaroot rsa2048
o req -new -x509 -key rsaroot.key -sha256 -days 3650 -subj /CN=rsaroot \
   -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
   -addext 'subjectKeyIdentifier=hash' -out rsaroot.pem
pssleaf() {
  key "$1"; o req -new -key "$1.key" -subj /CN=server.test -out "$1.csr"
  printf "$LEAF\nsubjectAltName=DNS:server.test\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n" >"$1.ext"
  o x509 -req -in "$1.csr" -CA rsaroot.pem -CAkey rsaroot.key -CAcreateserial -sha256 \
     -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:"$2" \
     -days 825 -extfile "$1.ext" -out "$1.pem"
}
# what a TLS server certificate from a CA must not be
issue noeku inter 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:server.test' 825
issue anyeku inter "$LEAF,anyExtendedKeyUsage\nsubjectAltName=DNS:server.test" 825
issue critsan inter "$LEAF\nsubjectAltName=critical,DNS:server.test" 825
issue cainleaf inter "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:server.test" 825
issue pswild inter "$LEAF\nsubjectAltName=DNS:*.co.uk,DNS:*.github.io,DNS:*.example.co.uk" 825
o req -new -key leaf.key -subj /CN=server.test -out neg.csr
printf "$LEAF\nsubjectAltName=DNS:server.test\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n" >neg.ext
o x509 -req -in neg.csr -CA inter.pem -CAkey inter.key -set_serial -5 -days 825 -extfile neg.ext -out negserial.pem
# subject CNs: a display name, and addresses and IDNs the SAN lacks
cnleaf() { key "$1"; o req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
  printf "$LEAF\nsubjectAltName=$3\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n" >"$1.ext"
  o x509 -req -in "$1.csr" -CA inter.pem -CAkey inter.key -CAcreateserial -days 825 -extfile "$1.ext" -out "$1.pem"; }
cnleaf cndisplay 'Backup server 3' DNS:server.test
cnleaf cnoctal 127.000.000.010 IP:127.0.0.8
cnleaf cnotherip 127.0.0.9 DNS:server.test,IP:127.0.0.10
cnleaf cnsameip 2001:DB8::1 IP:2001:db8::1
cnleaf cnidn xn--nxasmq6b.test DNS:server.test
pssleaf pssgood sha256
pssleaf pssmgf1 sha1
cat inter.pem >chain.pem
# CRLs: root's (nothing revoked) and inter's (revleaf revoked)
crl() { # CA [CERT-TO-REVOKE]
  mkdir -p "ca-$1" && : >"ca-$1/index.txt" && echo 01 >"ca-$1/crlnumber"
  printf '[ca]\ndefault_ca=d\n[d]\ndatabase=ca-%s/index.txt\ncrlnumber=ca-%s/crlnumber\ndefault_md=sha256\ndefault_crl_days=30\ncrl_extensions=x\n[x]\nauthorityKeyIdentifier=keyid:always\n' "$1" "$1" >"ca-$1.cnf"
  [ -z "$2" ] || o ca -config "ca-$1.cnf" -keyfile "$1.key" -cert "$1.pem" -revoke "$2.pem"
  o ca -config "ca-$1.cnf" -keyfile "$1.key" -cert "$1.pem" -gencrl -out "$1.crl"
}
crl root
crl inter revleaf
cat root.crl inter.crl >all.crl
# DER copies for the tests that call chain_verify() directly
for f in root inter leaf wild; do o x509 -in "$f.pem" -outform DER -out "$f.der"; done
touch .done
