//! The `--help` text: one line per option, in the order of their long names, then globs and
//! where default options come from. It says what each option does, not how.

/// The help text printed for `-h`/`--help`.
pub const HELP: &str = "\
Usage: plainwire [options...] <url>...
     --anyauth                Pick Basic or Digest from the server's 401 (-u)
     --basic                  Use HTTP Basic authentication (the default)
     --cacert <file>          CA certificates (PEM) to verify the server with
     --capath <dir>           Directory of CA certificate (PEM) files
 -E, --cert <file>            Client certificate (PEM or DER; PEM may hold key)
     --cert-type <type>       Client certificate type: PEM or DER
     --compressed             Ask for gzip/deflate; write the body decoded
 -K, --config <file>          Read options from <file> ('-' for stdin)
     --connect-timeout <secs> Maximum time allowed to connect (fractions ok)
     --connect-to <h:p:h2:p2> Connect to h2:p2 for requests to h:p
 -C, --continue-at <offset>   Resume at <offset> ('-': after the -o file)
 -b, --cookie <data|file>     Send 'NAME=VALUE; N2=V2', or read a cookie file
 -c, --cookie-jar <file>      Save cookies to <file> after the transfers
     --create-dirs            Create the directories an output file needs
 -d, --data <data>            HTTP POST data; '@FILE' reads a file, '@-' stdin
     --data-ascii <data>      HTTP POST ASCII data (the same as --data)
     --data-binary <data>     HTTP POST binary data; '@FILE' keeps CR and LF
     --data-raw <data>        HTTP POST data, '@' allowed
     --data-urlencode <data>  POST URL-encoded data: [name=]text, [name]@file
     --digest                 Use HTTP Digest authentication (-u)
 -q, --disable                Do not read the plainwirerc file (must be first)
 -D, --dump-header <file>     Write the received headers to <file> ('-': stdout)
     --etag-compare <file>    Send If-None-Match with the ETag saved in <file>
     --etag-save <file>       Save the response's ETag in <file>
 -f, --fail                   Fail fast with no output on HTTP errors (exit 22)
     --fail-early             Stop at the first transfer that fails
     --fail-with-body         Fail on HTTP errors (exit 22) but save the body
 -F, --form <name=content>    Multipart form field: text, @file, <file, ;type=
     --form-string <n=value>  Multipart form field, value taken literally
 -G, --get                    Put the -d data in the URL and use GET
 -g, --globoff                Do not expand {} and [] in URLs
 -I, --head                   Show document info only (HEAD request)
 -H, --header <header>        'Name: value'; 'Name;' empty; 'Name:' none; @FILE
 -h, --help                   Show this help and exit
 -0, --http1.0                Use HTTP/1.0
     --http1.1                Use HTTP/1.1 (the default)
     --http2                  Accepted; HTTP/1.1 is used, as curl falls back to
     --ignore-content-length  Ignore the Content-Length; read to the close
 -i, --include                Include the response headers (every hop with -L)
 -k, --insecure               Allow insecure server connections
     --interface <name>       Bind to an interface, address or host (if!, host!)
 -4, --ipv4                   Resolve names to IPv4 addresses only
 -6, --ipv6                   Resolve names to IPv6 addresses only
     --json <data>            HTTP POST JSON; '@FILE' reads a file, '@-' stdin
 -j, --junk-session-cookies   Drop session cookies read from files
     --keepalive-time <secs>  Accepted; plainwire sends no TCP keepalive probes
     --key <file>             Client private key (PEM)
     --key-type <type>        Private key type: PEM or DER
     --limit-rate <speed>     Transfer at most <speed> bytes/s (k, m, g)
 -L, --location               Follow redirects
     --location-trusted       Like -L, and send credentials to other hosts
     --max-filesize <bytes>   Maximum body size to accept (k, m, g suffixes)
     --max-redirs <num>       Maximum number of redirects with -L (default 10)
 -m, --max-time <secs>        Maximum time for the transfer (0: no limit at all)
 -n, --netrc                  Read user and password from ~/.netrc
     --netrc-file <file>      Read user and password from <file>
     --netrc-optional         Like --netrc; a missing file is no error
 -:, --next                   Start a new group of URLs and options
 -N, --no-buffer              Write output as it arrives (always the case)
     --no-keepalive           Accepted; plainwire sends no TCP keepalive probes
     --no-progress-meter      Do not show the progress meter
     --noproxy <list>         Hosts reached directly: 'a.example,10.0.0.0/8'
     --oauth2-bearer <token>  OAuth 2 Bearer Token
 -o, --output <file>          Write to <file> ('#1': a glob's text; '-': stdout)
     --output-dir <dir>       Directory to save -o and -O files in
 -Z, --parallel               Perform transfers in parallel
     --parallel-max <num>     Maximum transfers at once with -Z (default 50)
     --path-as-is             Send /../ and /./ in the path as given
     --pinnedpubkey <hashes>  Accept only this key: sha256//BASE64;..., or file
     --post301                Keep POST after a 301 redirect
     --post302                Keep POST after a 302 redirect
     --post303                Keep POST after a 303 redirect
 -#, --progress-bar           Display transfer progress as a bar
     --proto <list>           Enable/disable protocols: '=https', '-all,https'
     --proto-redir <list>     Protocols a redirect may lead to: '=https'
 -x, --proxy <url>            Use this proxy
     --proxy-header <header>  Header for the proxy only; @FILE
 -U, --proxy-user <u:p>       Proxy user and password (with -x)
 -p, --proxytunnel            Tunnel http through the proxy with CONNECT
 -r, --range <range>          Ask for a byte range: 0-499, 500-, -500
     --raw                    Write the body with its chunks and coding
 -e, --referer <url>          Send Referer <url>; ';auto' on -L redirects
 -J, --remote-header-name     Use the Content-Disposition filename with -O
 -O, --remote-name            Write output to a file named as the remote file
     --remote-name-all        Use the remote file name for all URLs
 -R, --remote-time            Give the -o file the server's Last-Modified time
     --remove-on-error        Remove the output file when the transfer fails
 -X, --request <method>       Specify request method to use
     --request-target <path>  Request target to send in place of the path
     --resolve <h:p:addr>     Resolve h:p to addr[,addr]; -h:p to undo
     --retry <num>            Retry transient failures <num> times
     --retry-all-errors       Retry every error (with --retry)
     --retry-connrefused      Retry refused connections (with --retry)
     --retry-delay <secs>     Wait <secs> before each retry
     --retry-max-time <secs>  Retry only within <secs> of the first try
 -S, --show-error             Show error even when -s is used
 -s, --silent                 Silent mode
 -Y, --speed-limit <speed>    Abort below <speed> bytes/s for --speed-time
 -y, --speed-time <secs>      The period for --speed-limit (default 30)
     --ssl-no-revoke          Accepted; revocation is not checked
     --stderr <file>          Where to redirect stderr ('-' for stdout)
     --tcp-nodelay            Accepted; plainwire always sets TCP_NODELAY
 -z, --time-cond <time>       Only if newer than <time> or file (-<time>: older)
     --tls-max <version>      Newest TLS version: 1.2, 1.3 or default
 -1, --tlsv1                  TLS 1.0 or later (1.2: rustls has no older)
     --tlsv1.0                TLS 1.0 or later (1.2: rustls has no older)
     --tlsv1.1                TLS 1.1 or later (1.2: rustls has no older)
     --tlsv1.2                TLS 1.2 or later
     --tlsv1.3                TLS 1.3 or later
     --tr-encoding            Ask for a gzip transfer coding and undo it
     --trace <file>           Dump all data in hex and text ('-': stdout)
     --trace-ascii <file>     Like --trace, without the hex ('-': stdout)
     --trace-time             Add the time (UTC) to each -v and trace line
 -T, --upload-file <file>     PUT <file> ('-': stdin) to the URL
     --url <url>              URL to work with
     --url-query <data>       Add URL-encoded query data ('+' keeps it as is)
 -u, --user <user:password>   Server user and password
 -A, --user-agent <name>      Send User-Agent <name> ('' sends none)
 -v, --verbose                Make the operation more talkative
 -V, --version                Show version number and exit
 -w, --write-out <format>     Output <format> after completion ('@FILE', '@-')

URLs may hold globs, {a,b} sets and [1-9], [01-10], [a-z], [0-9:2] ranges (-g:
off); '#1' in an -o name is the first glob's text. No scheme means http://.

Default options come from $XDG_CONFIG_HOME/plainwire/plainwirerc or else
~/.plainwirerc, in curl's config file syntax (as -K reads), unless -q is the
first argument. curl's own ~/.curlrc is never read.
";
