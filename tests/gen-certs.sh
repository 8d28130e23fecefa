#!/usr/bin/env bash
# Makes the certificates the tests use, with Debian's openssl, into DIR.
# Idempotent: does nothing when DIR/.done is newer than this script.
set -euo pipefail
dir=${1:?usage: gen-certs.sh DIR}
if [ -f "$dir/.done" ] && [ "$dir/.done" -nt "$0" ]; then exit 0; fi
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"

ossl() { openssl "$@" 2>/dev/null; }
ec() { ossl ecparam -name "$2" -genkey -noout -out "$1.key"; }
rsa() { ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$2" -out "$1.key"; }

# Self-signed server leaves (CA:FALSE), as a server makes for itself.
selfsigned() { # name key-kind key-arg digest [extra -addext]
	local n=$1; shift
	"$1" "$n" "$2"
	ossl req -new -x509 -key "$n.key" -"$3" -days 3650 -subj "/CN=$n.test/O=Bulwark Test" \
		-addext "basicConstraints=critical,CA:FALSE" \
		-addext "subjectAltName=DNS:$n.test,DNS:localhost,IP:127.0.0.1" -out "$n.pem"
}
selfsigned ec256 ec prime256v1 sha256
selfsigned ec384 ec secp384r1 sha384
selfsigned rsa2048 rsa 2048 sha256
selfsigned rsa1024 rsa 1024 sha256
selfsigned sha1 rsa 2048 sha1
selfsigned ec224 ec secp224r1 sha256
selfsigned other ec prime256v1 sha256
# RSA-PSS: SHA-256 throughout, and SHA-256 with MGF1 left on SHA-1 (the
# policy names one hash for the whole signature)
pss() { # name mgf1-hash
	rsa "$1" 2048
	ossl req -new -x509 -key "$1.key" -sha256 -sigopt rsa_padding_mode:pss \
		-sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:"$2" -days 3650 \
		-subj "/CN=$1.test/O=Bulwark Test" -addext "basicConstraints=critical,CA:FALSE" \
		-addext "subjectAltName=DNS:$1.test,DNS:localhost,IP:127.0.0.1" -out "$1.pem"
}
pss pss-sha256 sha256
pss pss-mgf1sha1 sha1

# A self-signed CA certificate that also signs handshakes: pinned, it is
# the server's identity whatever its basic constraints.
ec ss-ca prime256v1
ossl req -new -x509 -key ss-ca.key -sha256 -days 3650 -subj "/CN=ss-ca.test/O=Bulwark Test" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,digitalSignature" \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out ss-ca.pem

# A CA, an intermediate and a leaf it signs.
ec ca prime256v1
ossl req -new -x509 -key ca.key -sha256 -days 3650 -subj "/CN=Bulwark Test Root CA" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
ec inter prime256v1
ossl req -new -key inter.key -subj "/CN=Bulwark Test Intermediate" -out inter.csr
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >inter.ext
ossl x509 -req -in inter.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 3000 -extfile inter.ext -out inter.pem
ec leaf prime256v1
ossl req -new -key leaf.key -subj "/CN=localhost" -out leaf.csr
printf 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >leaf.ext
ossl x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key -CAcreateserial -sha256 -days 825 -extfile leaf.ext -out leaf.pem
cat leaf.pem inter.pem ca.pem >chain.pem
# A leaf for client authentication only: not a TLS server certificate.
ec clientonly prime256v1
ossl req -new -key clientonly.key -subj "/CN=localhost" -out clientonly.csr
printf 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=clientAuth\n' >clientonly.ext
ossl x509 -req -in clientonly.csr -CA inter.pem -CAkey inter.key -CAcreateserial -sha256 -days 825 -extfile clientonly.ext -out clientonly.pem
ec ca2 prime256v1
ossl req -new -x509 -key ca2.key -sha256 -days 3650 -subj "/CN=Bulwark Test Root CA 2" \
	-addext "basicConstraints=critical,CA:TRUE" -out ca2.pem

# Chains refused for one reason each, below ca.pem: the verifier must name
# that reason, not "no issuer". Each leaf carries the names a loopback server
# needs (localhost, 127.0.0.1), so the named rule is the only one broken;
# NAME-chain.pem is what such a server sends (leaf, intermediate, root).
child() { # name issuer key-kind key-arg extensions [subject]
	"$3" "$1" "$4"
	ossl req -new -key "$1.key" -subj "${6:-/CN=localhost/O=Bulwark Test/OU=$1}" -out "$1.csr"
	printf '%b\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' "$5" >"$1.ext"
	ossl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -sha256 \
		-days 825 -extfile "$1.ext" -out "$1.pem"
}
CAX='basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign'
LEAFX='basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:localhost,IP:127.0.0.1'
# extended key usage for e-mail only: not a TLS server certificate
child leaf-noserverauth inter ec prime256v1 "$LEAFX\nextendedKeyUsage=emailProtection"
# a critical extension that no verifier knows (a private OID)
child leaf-critext inter ec prime256v1 \
	"$LEAFX\nextendedKeyUsage=serverAuth\n1.3.6.1.4.1.55555.7=critical,ASN1:UTF8String:unknown"
# an intermediate that may issue for allowed.test only, and a leaf outside it
child inter-nc ca ec prime256v1 "$CAX\nnameConstraints=critical,permitted;DNS:allowed.test" "/CN=Bulwark Test inter-nc"
child leaf-outside-nc inter-nc ec prime256v1 "$LEAFX\nextendedKeyUsage=serverAuth"
# intermediates whose keys are below the policy, each with a good leaf
child inter-p224 ca ec secp224r1 "$CAX" "/CN=Bulwark Test inter-p224"
child leaf-via-p224 inter-p224 ec prime256v1 "$LEAFX\nextendedKeyUsage=serverAuth"
child inter-rsa1024 ca rsa 1024 "$CAX" "/CN=Bulwark Test inter-rsa1024"
child leaf-via-rsa1024 inter-rsa1024 ec prime256v1 "$LEAFX\nextendedKeyUsage=serverAuth"
# a CA certificate (cA TRUE, keyCertSign) presented as a server's own
child ca-as-leaf ca ec prime256v1 \
	"basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1"
for n in leaf-noserverauth leaf-critext; do cat "$n.pem" inter.pem ca.pem >"$n-chain.pem"; done
cat leaf-outside-nc.pem inter-nc.pem ca.pem >leaf-outside-nc-chain.pem
cat leaf-via-p224.pem inter-p224.pem ca.pem >leaf-via-p224-chain.pem
cat leaf-via-rsa1024.pem inter-rsa1024.pem ca.pem >leaf-via-rsa1024-chain.pem
cat ca-as-leaf.pem ca.pem >ca-as-leaf-chain.pem

# Expired and not-yet-valid certificates, with real dates, through openssl ca.
mkdir -p ca-db && : >ca-db/index.txt && echo 1000 >ca-db/serial
cat >ca.cnf <<CNF
[ca]
default_ca = d
[d]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
default_md = sha256
policy = p
unique_subject = no
copy_extensions = copy
[p]
commonName = supplied
CNF
dated() { # name start end
	ec "$1" prime256v1
	ossl req -new -key "$1.key" -subj "/CN=$1.test" -addext "basicConstraints=critical,CA:FALSE" \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out "$1.csr"
	ossl ca -batch -config ca.cnf -selfsign -keyfile "$1.key" -in "$1.csr" \
		-startdate "$2" -enddate "$3" -out "$1.full"
	ossl x509 -in "$1.full" -out "$1.pem"
}
dated expired 20200101000000Z 20210101000000Z
dated future 20400101000000Z 20410101000000Z
dated soon "$(date -u +%Y%m%d000000Z -d '-1 day')" "$(date -u +%Y%m%d000000Z -d '+10 days')"

# DER forms and damaged files.
ossl x509 -in ec256.pem -outform DER -out ec256.der
cp ec256.pem ec256.arm
cat ec256.key ec256.pem >with-key.pem
head -c 300 ec256.pem >truncated.pem
sed '2s/./*/' ec256.pem >badchar.pem
grep -v END ec256.pem >noend.pem
head -c 200 ec256.der >truncated.der
echo "hello, this is not a certificate" >notcert.txt
: >empty.pem
touch .done
