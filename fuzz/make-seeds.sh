#!/bin/sh
# Writes the seed inputs under fuzz/seeds/<target>/ from hand-written messages and the
# certificates in fixtures/. Run from anywhere; rerun after changing it. Each target's first
# bytes are parameters (see the comment at the top of its fuzz_targets/*.rs); the seeds
# include them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../fixtures"
seeds="$here/seeds"
targets="response_head chunked body_framing url x509 tls_record header_values"
rm -rf "$seeds"
# Each target's seeds, and its working corpus (ignored by git; libFuzzer adds to it), so that
# `cargo fuzz run -O TARGET corpus/TARGET seeds/TARGET` finds both directories for every target.
for target in $targets; do
    mkdir -p "$seeds/$target" "$here/corpus/$target"
done

# response_head: two parameter bytes (0xff: a 1020-byte size limit; 0x0f: 15 fields), then a head.
head() { name=$1; shift; { printf '\377\017'; printf "$@"; } >"$seeds/response_head/$name"; }
head simple 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'
head chunked 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n'
head http10 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n'
head fold 'HTTP/1.1 200 OK\r\nX-Long: one\r\n two\r\nServer : x\r\n\r\n'
head bare-lf 'HTTP/1.1 204 No Content\nDate: x\n\n'
head continue 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n'
head lengths 'HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\n'
head codings 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n'

# chunked: byte 0 is the output size and mode (0x13: 4 bytes, chunk data bypassing decode),
# byte 1 seeds the split points.
chunk() { name=$1; shift; { printf '\023\001'; printf "$@"; } >"$seeds/chunked/$name"; }
chunk two '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'
chunk extensions '3;name=value;x="q"\r\nabc\r\n0;end\r\n\r\n'
chunk trailers '3\r\nabc\r\n0\r\nExpires: never\r\nX: y\r\n\r\nNEXT'
chunk hex '000A\r\n0123456789\r\n1f\r\n0123456789abcdef0123456789abcde\r\n0\r\n\r\n'
chunk truncated '5\r\nhel'

# body_framing: byte 0 the framing (0 none, 1 length, 2 chunked, 3 until close; +4 bypass),
# bytes 1-2 a little-endian Content-Length, byte 3 the output size.
body() { name=$1; shift; { printf "$@"; } >"$seeds/body_framing/$name"; }
body length '\001\005\000\007helloHTTP/1.1 200 OK\r\n'
body length-short '\005\012\000\003hello'
body chunked '\002\000\000\005\063\r\nabc\r\n0\r\n\r\nNEXT'
body close '\003\000\000\037everything until the end'

# url: plain strings.
url() { printf '%s' "$2" >"$seeds/url/$1"; }
url simple 'http://example.com/'
url full 'https://user:p%40ss@Example.COM:8443/a/./b/../c?x=1&y=%zz#frag'
url ipv6 'http://[2001:DB8:0:0::1]:80/%7Efoo'
url ipv4 'http://127.0.0.1:65535?q'
url relative '../up/./here?k=v'
url network-path '//other.example/p'
url same-scheme 'http:rel/path'
url dots 'http://h/a/b/../../..//c/.'
url trim '  https://h.example./x\y "q"  '

# header_values: one value or file each; every parser sees every seed.
value() { name=$1; shift; printf "$@" >"$seeds/header_values/$name"; }
value cookie 'a=b; Path=/; Domain=example.com; Max-Age=10\n'
value link '<https://x/?p=2>; rel="next", <https://x/?p=1>; rel=prev\n'
value range 'bytes 0-99/1000'
value date 'Sun, 06 Nov 1994 08:49:37 GMT'
value challenge 'Digest realm="r", nonce="n", qop="auth,auth-int", algorithm=SHA-256, Basic realm="x"'
value netrc 'machine example.com login a password b\ndefault login c password d\n'
value no-proxy 'localhost,.example.com,10.0.0.0/8,[::1]:443,*'
value cookie-file '# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tFALSE\t0\ta\tb\n#HttpOnly_www.example.com\tFALSE\t/a\tTRUE\t2000000000\tc\td\n'

# x509: the fixture certificates as DER.
for pem in "$fixtures"/*.pem; do
    openssl x509 -in "$pem" -outform DER -out "$seeds/x509/$(basename "$pem" .pem).der" 2>/dev/null || true
done

# tls_record: byte 0 seeds the split points, bytes 1-2 give the length of the client's stream
# (big-endian), then the client's records, then the server's; from fixtures/tls_records/.
records="$fixtures/tls_records"
conversation() {
    name=$1 client=$2 server=$3
    n=$(cat $client | wc -c)
    {
        printf '\007'
        printf "\\$(printf %03o $((n >> 8)))\\$(printf %03o $((n & 255)))"
        cat $client $server
    } >"$seeds/tls_record/$name"
}
conversation tls13-hello "$records/client_hello.bin" "$records/server_hello.bin"
conversation hello-retry "$records/client_hello.bin" "$records/hello_retry_request.bin"
conversation tls12 "$records/client_hello.bin $records/tls12_client_flight.bin" "$records/tls12_server_flight.bin $records/tls12_new_session_ticket.bin"
conversation refused "$records/alert_unknown_ca.bin" /dev/null

# Hostile-server fixtures (fixtures/hostile/*.raw), when present: each server's whole reply
# for the head target, and what follows the head of a chunked reply for the chunked target.
# They go to the (ignored) working corpus, not to seeds/: fixtures/hostile is their home.
# Files over 4 KiB are left out, as they would raise libFuzzer's default input length.
if [ -d "$fixtures/hostile" ]; then
    mkdir -p "$here/corpus/response_head" "$here/corpus/chunked"
    for f in "$fixtures/hostile"/*.raw; do
        [ -f "$f" ] && [ "$(wc -c <"$f")" -le 4096 ] || continue
        name=hostile-$(basename "$f" .raw)
        { printf '\377\017'; cat "$f"; } >"$here/corpus/response_head/$name"
        case "$name" in
        hostile-chunked-*)
            { printf '\023\001'; python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.stdout.buffer.write(d.split(b"\r\n\r\n", 1)[-1])' "$f"; } \
                >"$here/corpus/chunked/$name" || true
            ;;
        esac
    done
fi
